"""The verifier's pure functions: finding figures and deciding each one's status."""
from __future__ import annotations

from decimal import Decimal as D

from assistant.verify import (MISMATCH, RECOMPUTED, SOURCED, UNVERIFIABLE, Source, check_text,
                              find_figures)

SANGONG = [Source(D("31.13"), "万元", "“三公”经费财政拨款支出", "决算数", year=2022),
           Source(D("27.30"), "万元", "“三公”经费财政拨款支出", "增加", year=2022),
           Source(D("1979.86"), "万元", "收、支总计", "决算数", year=2022),
           Source(D("1516.77"), "万元", "收、支总计", "减少", year=2022)]


def statuses(text: str, sources=SANGONG, strict=False) -> list[tuple[str, str]]:
    return [(c.figure.text, c.status) for c in check_text(text, sources, strict)]


def test_finds_every_kind_of_figure():
    text = ("收入2,946.25万元，占99.79%，下降1.5个百分点；接待2批次、12人次，购置一辆车、两批次，"
            "共计1.2亿元和3000元，增长713.15%。")
    found = [(f.text, f.value, f.unit) for f in find_figures(text)]
    assert ("2,946.25万元", D("2946.25"), "万元") in found
    assert ("99.79%", D("99.79"), "%") in found
    assert ("1.5个", D("1.5"), "个") in found or ("1.5个百分点", D("1.5"), "百分点") in found
    assert ("12人次", D("12"), "人次") in found and ("一辆", D("1"), "辆") in found
    assert ("两批次", D("2"), "批次") in found
    assert ("1.2亿元", D("1.2"), "亿元") in found and ("3000元", D("3000"), "元") in found
    assert [f.direction for f in find_figures(text) if f.text == "713.15%"] == ["up"]


def test_names_and_years_are_not_figures():
    assert find_figures("2024年度落实“八项规定”，30201 办公费") == []


def test_sourced_within_rounding_and_across_units():
    assert statuses("三公经费31.13万元，即311300元，约0.0031亿元。") == [
        ("31.13万元", SOURCED), ("311300元", SOURCED), ("0.0031亿元", SOURCED)]
    assert statuses("三公经费31.1万元。") == [("31.1万元", SOURCED)]  # one decimal shown: ±0.05


def test_recomputed_difference_and_rates_within_operand_rounding():
    checks = check_text("2021年为3.83万元，增长713.15%，下降43.38%。", SANGONG)
    by_text = {c.figure.text: c for c in checks}
    assert by_text["3.83万元"].status == RECOMPUTED and "31.13万元 − 27.30万元" in by_text["3.83万元"].formula
    # 27.30 ÷ 3.83 = 712.79%, the report's 713.15% comes from unrounded figures: within operand rounding
    assert by_text["713.15%"].status == RECOMPUTED
    assert by_text["43.38%"].status == RECOMPUTED  # 1516.77 ÷ (1979.86 + 1516.77)


def test_mismatch_amount_direction_and_unit():
    checks = check_text("“三公”经费财政拨款支出31.31万元，较上年减少27.30万元。", SANGONG, strict=True)
    assert [(c.figure.text, c.status) for c in checks] == [("31.31万元", MISMATCH), ("27.30万元", MISMATCH)]
    assert checks[0].expected == D("31.13")
    assert "方向" in checks[1].formula
    unit = check_text("“三公”经费财政拨款支出31.13元。", SANGONG, strict=True)
    assert unit[0].status == MISMATCH and unit[0].expected == D("31.13")


def test_unverifiable_when_no_source_speaks_to_it():
    assert statuses("公务接待费0.18万元。") == [("0.18万元", UNVERIFIABLE)]


def test_a_zero_difference_explains_no_small_figure():
    """5万元 − 5万元 = 0 ± 50元 of rounding; that must not 'recompute' a stray 0.4元."""
    same = [Source(D("5.00"), "万元", "甲"), Source(D("5.00"), "万元", "乙")]
    assert statuses("差额为0.4元。", same) == [("0.4元", UNVERIFIABLE)]
