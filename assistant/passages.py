"""Questions about words, not figures: the report's own sentences that answer, with their citations.

Retrieval is a llama-index retriever (`PassageRetriever`), so it composes with
llama-index query engines, postprocessors and LLMs: the project's hybrid search
(BM25 over jieba tokens + e5 in Chroma, fused by reciprocal rank) scoped to the
reports in question, then made section-aware — a chunk under a heading that names
what is asked (主要职责, 机构设置, 名词解释) is preferred, and such sections are
added even when neither ranking found them, since a heading is the report's own
statement of what a passage is about.

`best_passage` then picks sentences, not chunks: the sentence that shares the
most of the question's words (longer words weigh more) in a well-ranked chunk,
followed by the sentences after it in the same section, as the report gives them
(a list stays a list), up to a few hundred characters.
"""
from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

from llama_index.core.retrievers import BaseRetriever
from llama_index.core.schema import NodeWithScore, QueryBundle, TextNode

from .corpus import Corpus, Document, StoredChunk
from .intents import BECAUSE, YEAR_WORDS
from .names import longest_first, short_names
from .retrieve import Retriever, tokens

# What a section is about, by the words of its heading: (question words, heading words). A question
# with the first finds the sections whose heading has the second, whatever the report calls them.
TOPICS: tuple[tuple[re.Pattern[str], tuple[str, ...]], ...] = tuple((re.compile(q), h) for q, h in (
    (r"职责|职能|干什么|做什么|负责|主要任务|工作任务|是什么单位|是什么机构", ("职责", "职能", "主要任务", "工作任务")),
    (r"概况|基本情况|简介|介绍", ("概况", "基本情况", "职能", "简介")),
    (r"内设|内部设|机构设置|处室|科室|机构|设了哪些|设有哪些", ("机构设置", "内设", "科室", "处室", "下设", "机构编制")),
    (r"下属|所属|下面|下设|二级|包括哪些.{0,4}单位|哪些.{0,4}单位|编制范围|单位构成|组成|由哪些",
     ("单位构成", "编制范围", "下属", "组成", "二级", "所属单位", "预算包括", "决算包括")),
    (r"性质|什么级别|行政级别|几级|规格", ("事业单位", "行政单位", "公益", "参照公务员", "级")),
    # what kind of body it is and who runs it (是一所什么样的学校，由谁来管): its opening lines say so
    (r"什么样的?(?:学校|单位|机构|部门|组织)|是一(?:所|个|家)什么|由谁.{0,2}(?:管|领导)|谁来管|归谁|隶属|主管部门|上级单位",
     ("职能", "概况", "基本情况", "直属", "隶属", "主管", "领导和管理", "管理")),
    (r"什么意思|指什么|是指|什么是|含义|定义|名词解释|怎么理解|是什么", ("名词解释",)),
    (r"绩效|目标|完成得|完成情况|效果", ("绩效", "目标", "完成情况", "自评")),
    (r"公开|什么时候|何时|日期|时间", ("公开", "时间", "日期")),
    (r"中标|供应商|采购", ("采购", "中标")),
    (r"资产|车辆|房屋", ("资产",)),
    (r"地址|在哪儿|在哪里办公|位于|联系电话|电话", ("地址", "电话", "联系")),
    (r"建在哪|在哪里建|选址|什么位置|哪个位置|建设地点", ("位于", "选址", "地点", "东至")),
    (r"建成后|投入使用后", ("建成后", "作为")),
))
NEGATION = re.compile(r"无|没有|未(安排|发生|使用|设置|编制)|不(涉及|编制|安排|购置)|空表|本表无数据")
_SENTENCE = re.compile(r"(?<=[。！？!?])|\n")
_QUESTION_WORDS = set("什么 哪些 哪个 怎么 怎样 如何 是否 有没有 有无 请问 一下 介绍 说明 情况 意思 主要 是 的 了 吗 呢 "
                      "部门 单位 报告 年度 预算 决算 这个 那个 我们 你们 具体 内容 哪里 多少 包括 包含 几个 告诉 谁 有没有 没有 有无 安排 "
                      "是否 哪个 汇总 市级 本级 下面 这个单位 部门预算 单位预算 部门决算 单位决算 性质 组成 一所 一家 什么样 来管 谁来管 由谁".split())
# the headings of a report's parts, printed as a line of their own within a section
_NEXT_PART = re.compile(r"(机构设置|名词解释|主要职能|主要职责|单位职能|部门职责|概况|情况说明|基本情况)$")
_PAGE_NUMBER = re.compile(r"\s*[-－—]\s*\d{1,3}\s*[-－—]\s*(?=\n|$)")  # “- 7 -” at a page's foot
_ITEM = re.compile(r"^(\d{1,2}[.、．)）]|[（(][一二三四五六七八九十\d]{1,3}[)）]|[一二三四五六七八九十]{1,3}、)")
_PURPOSE_ASKED = re.compile(r"花在|用在|用于|用途|用来|干什么用|做什么用|哪些方面|什么地方|什么用|拿来干|拿去干|主要干什么|主要做什么")
# “政府采购情况是怎么说明的”: the section the question names, as the report gives it, from its start
_WHOLE_SECTION = re.compile(r"怎么说明|如何说明|说明了什么|怎么写的|是怎么说的|怎么介绍|情况如何|介绍一下")
_PURPOSE_SAID = re.compile(r"用于|主要用途|用途为|主要是")
# what a sentence that names a party says (中标单位为某某有限公司, 地址：…, 联系电话…)
_PARTY = re.compile(r"中标|成交|供应商|承接|承建|承办|联系人|电话|地址|位于|公司|事务所")
# a glossary's entry, wherever the reader put it: “（五）基本支出预算：是…”, “机关运行经费：指…”
_GLOSSARY_ENTRY = re.compile(r"^[（(]?[一二三四五六七八九十\d]{0,3}[)）、.．]?\s*[“”\"\u4e00-\u9fff（）()]{2,24}[:：]\s*(是|指)")
_DEFINITION = re.compile(r"是指|指的是|费指|经费指|支出指|反映单位|反映部门")
SECTION_SCAN_DOCS = 50   # scopes up to this many reports also get sections the rankings missed
MAX_CHARS = 600          # a passage is a few sentences, not a page
LIST_CHARS = 1200        # a list of items by their heads, quoted whole up to this
MIN_SCORE = 2.0          # below this, no sentence speaks to the question: refuse and name the nearest sections


@dataclass(frozen=True)
class Passage:
    """Consecutive sentences of one report that answer a question."""

    doc: Document
    text: str
    page: int | None
    section: str
    score: float


def question_terms(text: str, names: list[str]) -> list[str]:
    """The words of a question that a passage answering it should contain.

    Units, years and question words are left out, and so is any word of a unit's
    own name: “规划资源局” shortens 规划和自然资源局, so 规划 and 资源 name the unit, not the item.
    """
    for name in longest_first(names):
        text = text.replace(name, " ")
    text = YEAR_WORDS.sub(" ", text)
    return list(dict.fromkeys(t for t in tokens(text) if len(t) >= 2 and t not in _QUESTION_WORDS
                              and not any(t in name for name in names)))


def body(chunk: StoredChunk) -> str:
    """A chunk's text without the 【report】 label it starts with.

    The heading line stays: an enumerated item (（一）贯彻执行…) or a term being
    defined (（十）机关运行经费：是指…) is often read as a heading, and its line is
    then the start of the very sentence that answers; a heading cut mid-sentence
    runs on into the body.
    """
    text = _PAGE_NUMBER.sub("", re.sub(r"^【[^】]*】", "", chunk.text))
    heading, newline, rest = text.partition("\n")
    if newline and len(heading) > 15 and not heading.endswith(("。", "；", "：", ":", "？")):
        return heading + rest
    return text


class PassageRetriever(BaseRetriever):
    """Chunks of the reports in scope ranked for a question, as llama-index nodes with their citation metadata."""

    def __init__(self, retriever: Retriever, doc_ids: set[str] | None = None, intents: frozenset[str] = frozenset(),
                 k: int = 8):
        super().__init__()
        self._retriever = retriever
        self._doc_ids = doc_ids
        self._intents = intents
        self._k = k

    def _retrieve(self, query_bundle: QueryBundle) -> list[NodeWithScore]:
        corpus = self._retriever.corpus
        doc_ids = self._doc_ids if self._doc_ids is not None else set(corpus.documents)
        query = query_bundle.query_str
        # the units' own names are in every chunk and many headings (关于某局2026年…的说明): within the
        # scope's own reports they say little of what is asked, so the rest is searched for too;
        names = sorted({corpus.documents[d].unit for d in doc_ids}) if len(doc_ids) <= 20 else []
        search = query
        for name in longest_first(n for u in names for n in short_names(u)):
            search = search.replace(name, " ")
        # searched both with and without them: e5 matches “某局设12个内设机构” best with the name in
        scored: dict[str, tuple[StoredChunk, float]] = {}
        for asked in dict.fromkeys([query, search] if search.strip() else [query]):
            for h in self._retriever.chunks(asked, doc_ids, k=max(self._k * 2, 12)):
                if h.score * 60 > scored.get(h.chunk.chunk_id, (None, 0.0))[1]:
                    scored[h.chunk.chunk_id] = (h.chunk, h.score * 60)
        topics = topic_words(query)
        terms = question_terms(query, [n for u in names for n in short_names(u)])
        defined = [t for t in terms if len(t) >= 3] if "define" in self._intents else []
        # headings are scanned in the reports of a scope, not over a whole corpus (a question naming no unit)
        for doc_id in (doc_ids if len(doc_ids) <= SECTION_SCAN_DOCS else ()):
            for chunk in corpus.chunks_by_doc.get(doc_id, []):
                heading = chunk.section.rsplit(" › ", 1)[-1] if chunk.section else ""
                # a topic in the text is a heading the reader did not take for one, all the more so as its
                # body's opening words (“从预算单位构成看，…包括：”)
                opening = chunk.text.split("\n", 1)[-1][:30]
                bonus = sum(1.0 for w in topics if w in chunk.section) + sum(0.5 for t in terms if t in heading) \
                    + sum((1.0 if w in opening else 0.5) * min(len(w), 4) / 2 for w in topics if w in chunk.text)
                if any(_defines(t, chunk.text) for t in defined):
                    bonus += 3.0  # the report's own definition of the asked term, wherever its section is
                if bonus:
                    base = scored.get(chunk.chunk_id, (chunk, 0.0))[1]
                    scored[chunk.chunk_id] = (chunk, base + bonus)
        ranked = sorted(scored.values(), key=lambda x: -x[1])[: self._k]
        return [NodeWithScore(node=_node(c), score=s) for c, s in ranked]


def key_terms(terms: list[str]) -> list[str]:
    """The words that name the item of a yes/no question: the longest, when it is long enough to be a
    name (政府性基金, 公务用车购置费), else every word of three characters or more, else the words it has.

    Words made only of heads every item shares (经费支出, 预算资金) name no item:
    “有没有三公经费支出” is about 三公, not about any 经费支出."""
    named = [t for t in terms if _HEADS.sub("", t)] or list(terms)
    longest = max((len(t) for t in named), default=0)
    if longest >= 4:
        return [t for t in named if len(t) == longest]
    return [t for t in named if len(t) >= 3] or named


_HEADS = re.compile(r"经费|支出|收入|预算|决算|资金|费用|安排|情况|金额")


def names_item(text: str, key: list[str]) -> bool:
    """The text names the yes/no question's item: a key word, or its core without the heads around it —
    “政府性基金拨款支出” names 政府性基金预算拨款, “公务用车购置” names 公务用车购置费."""
    text = _bare(text)  # “三公”经费 is 三公经费, （境） is (境)
    key = [_bare(t) for t in key]
    return any(t in text or t.rstrip("费") in text or len(core := _HEADS.sub("", t.replace("拨款", ""))) >= 3
               and core in text for t in key)


def _bare(text: str) -> str:
    return re.sub(r"[“”\"‘’]", "", unicodedata.normalize("NFKC", text))


def says_none(sentence: str, key: list[str]) -> bool:
    """The sentence says in words that there is none of the item: 无/没有/未安排/不涉及 just before its
    name (“本单位无当年政府性基金预算收支”), or its table printed empty (“…支出表为空表”).

    Stricter than `NEGATION`, which a sentence about anything (“与上年相比无变化”) may contain."""
    sentence = _bare(sentence)
    for t in map(_bare, key):
        for name in dict.fromkeys([t, t.rstrip("费"), _HEADS.sub("", t.replace("拨款", ""))]):
            if len(name) < 2 or name not in sentence:
                continue
            n = re.escape(name)
            if re.search(rf"(无|没有|未安排|未发生|未设置|不涉及|未编制|不安排)[^，。；,;]{{0,6}}{n}", sentence) or \
                    re.search(rf"{n}[^。；;]{{0,16}}(空表|本表无数据|无数据)", sentence) or \
                    re.search(rf"{n}[^，。；,;\d]{{0,10}}(为|是)\s*0(\.0+)?\s*(万元|元)?(?![\d.])", sentence):
                return True
    return False


def topic_words(question: str) -> list[str]:
    """The heading words of the sections a question is about (主要职责 → 职责, 职能 …)."""
    return list(dict.fromkeys(w for pattern, words in TOPICS if pattern.search(question) for w in words))


def _defines(term: str, text: str) -> bool:
    return bool(re.search(rf"{re.escape(term)}[^。，]{{0,6}}(是指|指的是|：|:)", text))


def _node(chunk: StoredChunk) -> TextNode:
    doc = chunk.doc
    return TextNode(id_=chunk.chunk_id, text=chunk.text, metadata={
        "document": doc.name, "doc_id": doc.doc_id, "unit": doc.unit, "year": doc.year, "kind": doc.kind,
        "page": chunk.page, "section": chunk.section, "table": chunk.table})


def best_passage(nodes: list[NodeWithScore], corpus: Corpus, question: str, names: list[str],
                 intents: frozenset[str], must: Callable[[str], bool] | None = None) -> Passage | None:
    """The best-answering sentence among the retrieved chunks, with the sentences that follow it;
    only a sentence for which `must` holds, when it is given."""
    terms = question_terms(question, names)
    topics = topic_words(question)
    purpose = bool(_PURPOSE_ASKED.search(question))
    glossary = "define" not in intents
    key = key_terms(terms)
    best: tuple[float, StoredChunk, int, list[str]] | None = None
    for rank, chunk in _with_next(nodes, corpus):
        sentences = [s.strip() for s in _SENTENCE.split(body(chunk)) if s and s.strip()]
        context = chunk.section
        if chunk.kind == "table":  # a table's title and header line say what its rows are about; the rows answer
            context, sentences = " ".join([chunk.section, *sentences[:2]]), sentences[2:]
        in_section = sum(1.5 for w in topics if w in context) + sum(1.0 for t in terms if t in context)
        # a heading the reader took for a line of text (“某院主要职能”, “名词解释”) heads the lines after it
        inline, in_glossary = 0.0, glossary and "名词解释" in chunk.section
        for i, sentence in enumerate(sentences):
            if _is_heading(sentence):
                inline = sum(1.5 for w in topics if w in sentence)
                in_glossary = glossary and ("名词解释" in sentence or "名词解释" in chunk.section)
            if "yes_no" in intents and key and not names_item(sentence, key):
                continue  # 有没有X is answered by a sentence about X (公务用车购置 of 公务用车购置费)
            if must is not None and not must(sentence):
                continue
            if "yes_no" in intents and _DEFINITION.search(sentence):
                continue  # “公务用车购置及运行费指…” says what the item is, not whether there is any
            if "who" in intents and not _PARTY.search(sentence):
                continue  # an address, a phone number, a winning bidder is said in so many words, or not at all
            on_topic = [w for w in topics if w in sentence]
            hits = [t for t in terms if t in sentence and not any(t in w and t != w for w in on_topic)]  # 工作 of 工作任务 once
            match = sum(min(len(t), 4) for t in hits) + 2.0 * len(on_topic) + max(in_section, inline)
            if "define" in intents and any(_defines(t, sentence) for t in terms if len(t) >= 3):
                match += 4
            if "yes_no" in intents and NEGATION.search(sentence):
                match += 2  # “本单位无政府性基金预算” answers 有没有 in words
            if "reason" in intents and BECAUSE.search(sentence):
                match += 3  # “为什么” is answered by the sentence that gives the report's reason
            if purpose and _PURPOSE_SAID.search(sentence):
                match += 3  # “花在什么地方” is answered by the sentence that says what it is 用于
            if chunk.kind == "table":
                match *= 0.6  # prose says in words what a table row says in figures
            if in_glossary or glossary and _GLOSSARY_ENTRY.match(sentence):
                match *= 0.5  # the glossary defines words; it does not say what this unit does
            score = match + 1.0 / (1 + rank)  # the ranking breaks ties; it cannot make a sentence answer
            # one short common word (办公) is not enough: a topic, a longer word, or two words
            speaks = on_topic or in_section or inline or len(hits) >= 2 or any(len(t) >= 3 for t in hits)
            if match >= MIN_SCORE and speaks and (best is None or score > best[0]):
                best = (score, chunk, i, sentences)
    if best is None:
        return None
    score, chunk, i, sentences = best
    # a short answer for a term, a date, a name or a yes/no; the passage as the report gives it otherwise
    long = bool(intents & {"list", "describe"}) or not intents & {"define", "when", "who", "yes_no"}
    heading = chunk.section.rsplit(" › ", 1)[-1]
    repeated = sentences[i].strip("；;。：: ") == heading.strip()  # the heading a continued chunk repeats
    whole = bool(_WHOLE_SECTION.search(question)) and any(t in heading for t in terms)
    if repeated or whole or (long and any(w in heading for w in topics) and not any(w in sentences[i] for w in topics)):
        # a section titled for what is asked (主要职能) is quoted from its start, not from its best line
        siblings = corpus.chunks_by_doc[chunk.doc.doc_id]
        k = siblings.index(chunk)
        while k > 0 and siblings[k - 1].section == chunk.section and siblings[k - 1].kind == chunk.kind:
            k -= 1
        chunk, i = siblings[k], 0
        sentences = [s.strip() for s in _SENTENCE.split(body(chunk)) if s and s.strip()]
    text = _following(sentences[i:], corpus, chunk, long=long, heads="list" in intents)
    return Passage(chunk.doc, text, _page_of(text, chunk, corpus), chunk.section, score)


def _page_of(text: str, chunk: StoredChunk, corpus: Corpus) -> int | None:
    """The page a quotation is printed on: where its chunk is, unless that chunk is a title alone on the
    page before (“某局2026年度部门预算信息公开”), which introduces the quote but is not where it is."""
    own = [s.strip() for s in _SENTENCE.split(body(chunk)) if s and s.strip()]
    if len(own) != 1 or not _is_heading(own[0]):
        return chunk.page  # the quote starts where its chunk is printed
    pieces = [s.strip() for s in re.split(r"(?<=[。！？!?])|；|\n", text) if s and s.strip()]
    said = next((s for s in pieces if not _is_heading(s)), "")
    siblings = corpus.chunks_by_doc[chunk.doc.doc_id]
    start = siblings.index(chunk)
    for later in siblings[start:start + 12]:
        if said[:20] and said[:20] in body(later):
            return later.page
    return chunk.page


def _with_next(nodes: list[NodeWithScore], corpus: Corpus) -> list[tuple[int, StoredChunk]]:
    """Each retrieved chunk with its rank, and the chunk after it in the same section at the same rank:
    a section cut into chunks often has its heading in one and its answer in the next."""
    out, seen = [], set()
    for rank, node in enumerate(nodes):
        chunk = corpus.chunk_index.get(node.node.node_id)
        if chunk is None:
            continue
        siblings = corpus.chunks_by_doc[chunk.doc.doc_id]
        k = siblings.index(chunk)
        after = siblings[k + 1] if k + 1 < len(siblings) else None
        for c in (chunk, after):
            if c is not None and c.chunk_id not in seen and (c is chunk or (
                    c.section == chunk.section and c.kind == chunk.kind)):
                seen.add(c.chunk_id)
                out.append((rank, c))
    return out


def _is_heading(sentence: str) -> bool:
    """A short line without a sentence's ending (“十三、政府采购支出预算情况说明”): it says what follows."""
    return len(sentence) < 30 and not sentence.endswith(("。", "；", "！", "？", "：", ":"))


def _following(sentences: list[str], corpus: Corpus, chunk: StoredChunk, long: bool, heads: bool = False) -> str:
    """The sentence and those after it in its section, across the chunks the section was cut into.

    A sentence that ends in a colon (“主要职责是：”) introduces what follows, so
    the following items are quoted with it; a describe or list answer runs on
    to a few sentences, any other stops after one or two. A list question
    (内设哪些机构) gets every item of an enumerated list by its head
    (“（一）秘书科”), without each item's description, so the whole list fits.
    """
    limit = MAX_CHARS if long else 200
    siblings = corpus.chunks_by_doc[chunk.doc.doc_id]
    start = siblings.index(chunk)
    pool = list(sentences)
    for later in siblings[start + 1:start + 12]:
        # a line ending in “：”, or headings alone, introduce what follows, whatever kind of chunk it is in
        introduces = bool(pool) and (pool[-1].endswith(("：", ":")) or all(_is_heading(p) for p in pool))
        if not introduces and (later.kind != chunk.kind or not (
                later.section == chunk.section or later.section.startswith(chunk.section + " › "))):
            break  # the section and the items under it (（一）…（二）…), not the next section
        # after “…的单位包括：” comes its list, even when the list is printed as a table
        more = [s.strip() for s in _SENTENCE.split(body(later)) if s and s.strip()]
        if more and more[0].strip("；;。：: ") == later.section.rsplit(" › ", 1)[-1].strip():
            more = more[1:]  # the section's heading, repeated at the top of each chunk it was cut into
        pool += more
    listed = _item_heads(pool) if heads else ""
    if listed:
        return listed
    most = 6 if long else 1
    if long and _enumeration(pool)[1]:
        limit, most = LIST_CHARS, 40  # 主要职能包括：1.…2.…: the list is the answer, quoted to its end
    out, said = "", 0
    for sentence in pool:
        if out and (len(out) + len(sentence) > limit or (said >= most and not out.endswith(("：", ":")))):
            break
        if said and out.endswith("。") and _is_heading(sentence) and _NEXT_PART.search(sentence):
            break  # a heading after the answer opens the next part (某校机构设置, 名词解释), not a broken line
        # a heading does not answer (the sentences under it do); the items of a list are one answer
        said += not (_is_heading(sentence) or _ITEM.match(sentence))
        out += sentence if not out or out.endswith(("。", "；", "：", ":")) else "；" + sentence
    return out


def _item_heads(pool: list[str]) -> str:
    """An enumerated list as its items' first sentences: the lead line, then “（一）…；（二）…”, up to the
    first heading after the list. Empty when the sentences hold no introduced list of three items."""
    first, items = _enumeration(pool)
    if not items:
        return ""
    out = "".join(s for s in pool[:items[0]] if not _is_heading(s))
    for sentence in pool[items[0]:]:
        st = _numbering(sentence)
        if st == first:
            head = sentence.rstrip("。；;")
            out += head if not out or out.endswith(("：", ":")) else "；" + head
        elif not st and _is_heading(sentence) or len(out) > LIST_CHARS:
            break  # the next section (名词解释) or a list too long to quote whole
    return out + "。"


def _enumeration(pool: list[str]) -> tuple[str, list[int]]:
    """Where the sentences hold a list: its numbering style and the positions of its items.

    A list is introduced (“设10个内设机构，包括：”) and has three items or more, numbered
    the way most are: a “六、其他相关情况说明” among “（一）…（十）” is the section's heading,
    and numbered headings of sections one after another are no list."""
    style = [_numbering(s) for s in pool]
    counted = Counter(st for st, s in dict.fromkeys(zip(style, pool)) if st).most_common(1)
    first = counted[0][0] if counted and counted[0][1] >= 3 else ""
    items = [k for k, st in enumerate(style) if first and st == first]
    if not items or items[0] > 3 or not (items[0] and pool[items[0] - 1].endswith(("：", ":"))):
        return "", []
    return first, items


def _numbering(sentence: str) -> str:
    """How an enumerated item is numbered (“1.”, “（一）”, “一、”), as a pattern name; empty for no item."""
    m = _ITEM.match(sentence)
    if not m:
        return ""
    mark = m.group(0)
    return "paren" if mark[0] in "（(" else "digit" if mark[0].isdigit() else "chinese"
