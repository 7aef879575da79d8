"""Text clean-up that must happen before anything reads a report's text.

PDF producers often emit CJK radicals (⾏ U+2F8F, ⼀, ⼊, ⽐, ⻓ …) in place of the
ordinary characters they look like; search, the fact extractor and the user's
question would then disagree about "行". NFKC folds the Kangxi radicals and the
full-width digits; the CJK Radicals Supplement has no compatibility mapping, so
a small table covers the ones seen in print.

NFKC is applied per character to those blocks only: applied to the whole text it
would also turn Chinese punctuation （，：） into ASCII, which changes every quote
the user is shown.
"""
from __future__ import annotations

import re
import unicodedata
from decimal import Decimal, InvalidOperation

_SUPPLEMENT = str.maketrans({
    "⺁": "厂", "⺇": "几", "⺈": "刀", "⺊": "卜", "⺋": "卩", "⺌": "小", "⺍": "小",
    "⺎": "兀", "⺏": "尢", "⺐": "尢", "⺑": "尢", "⺒": "巳", "⺓": "幺", "⺔": "彐",
    "⺖": "心", "⺗": "心", "⺘": "手", "⺙": "攵", "⺛": "旡", "⺜": "日", "⺝": "月",
    "⺞": "歹", "⺟": "母", "⺠": "民", "⺡": "水", "⺢": "水", "⺣": "火", "⺤": "爪",
    "⺥": "爪", "⺦": "丬", "⺧": "牛", "⺨": "犬", "⺩": "王", "⺪": "疋", "⺫": "目",
    "⺬": "示", "⺭": "示", "⺮": "竹", "⺯": "糸", "⺰": "糸", "⺱": "网", "⺲": "网",
    "⺳": "网", "⺴": "网", "⺵": "网", "⺶": "羊", "⺷": "羊", "⺸": "羊", "⺹": "老",
    "⺺": "肀", "⺻": "聿", "⺼": "肉", "⺽": "臼", "⺾": "艹", "⺿": "艹", "⻀": "艹",
    "⻁": "虎", "⻂": "衣", "⻃": "西", "⻄": "西", "⻅": "见", "⻆": "角", "⻇": "角",
    "⻈": "讠", "⻉": "贝", "⻊": "足", "⻋": "车", "⻌": "辶", "⻍": "辶", "⻎": "辶",
    "⻏": "阝", "⻐": "钅", "⻑": "長", "⻒": "長", "⻓": "长", "⻔": "门", "⻕": "阜",
    "⻖": "阝", "⻗": "雨", "⻘": "青", "⻙": "韦", "⻚": "页", "⻛": "风", "⻜": "飞",
    "⻝": "食", "⻞": "食", "⻟": "食", "⻠": "饣", "⻡": "首", "⻢": "马", "⻣": "骨",
    "⻤": "鬼", "⻥": "鱼", "⻦": "鸟", "⻧": "卤", "⻨": "麦", "⻩": "黄", "⻪": "黾",
    "⻫": "齐", "⻬": "齐", "⻭": "齿", "⻮": "齿", "⻯": "龙", "⻰": "龙", "⻱": "龟",
    "⻲": "龟", "⻳": "龟",
    "\u3000": " ", "\xa0": " ", "\u2002": " ", "\u2003": " ", "\u200b": "", "\ufeff": "",
})


def _needs_nfkc(ch: str) -> bool:
    o = ord(ch)
    return (
        0x2F00 <= o <= 0x2FDF          # Kangxi radicals
        or 0xF900 <= o <= 0xFAFF       # CJK compatibility ideographs
        or 0x2F800 <= o <= 0x2FA1F     # CJK compatibility ideographs supplement
        or 0xFF10 <= o <= 0xFF19       # full-width digits
        or 0xFF21 <= o <= 0xFF3A       # full-width Latin
        or 0xFF41 <= o <= 0xFF5A
        or o in (0xFF05, 0xFF0E)       # ％ ．
    )


def normalize(text: str) -> str:
    """Fold look-alike characters so that every later stage reads the same text."""
    text = text.translate(_SUPPLEMENT)
    if any(_needs_nfkc(c) for c in text):
        text = "".join(unicodedata.normalize("NFKC", c) if _needs_nfkc(c) else c for c in text)
    return text


_NUMBER = re.compile(r"^\(?[-−–]?\d{1,3}(?:,\d{3})+(?:\.\d+)?\)?$|^\(?[-−–]?\d+(?:\.\d+)?\)?$")
UNREADABLE = re.compile(r"^#{2,}$")


def parse_number(text: str) -> tuple[Decimal | None, bool]:
    """Parse a printed cell such as "2,946.25", "98.67%", "-3.5" or "(12.00)".

    Returns (value, is_percent); value is None when the text is not one number.
    Parentheses are the accountants' minus sign.
    """
    t = text.strip()
    percent = t.endswith("%")
    if percent:
        t = t[:-1]
    if not t or not _NUMBER.match(t):
        return None, False
    negative = t.startswith("(") or t[:1] in "-−–" or t[1:2] in "-−–"
    digits = t.strip("()").lstrip("-−–").replace(",", "")
    try:
        value = Decimal(digits)
    except InvalidOperation:
        return None, False
    return (-value if negative else value), percent


def squash(text: str) -> str:
    """Join text that a PDF wrapped inside a table cell ("机关事业单位基本养老保险缴\\n费支出")."""
    return re.sub(r"\s*\n\s*", "", text).strip()


_SPACED = re.compile(r"(?<=[\u4e00-\u9fff，。、；：（）“”]) (?=[\u4e00-\u9fff，。、；：（）“”])")


_BROKEN_DECIMAL = re.compile(r"(?<=\d)\.\s+(?=\d{1,2}\s*(?:万元|亿元|元|%))")


def unspace(line: str) -> str:
    """Close up a line a PDF set letter-spaced (“江 苏 省 人 民 检 察 院”).

    Only lines where most Chinese characters stand apart are touched; the single
    space in “第一部分 单位概况” is the author's and stays.
    """
    line = _BROKEN_DECIMAL.sub(".", line)  # “386. 73元”: a figure the line broke after its point
    cjk = len(re.findall(r"[\u4e00-\u9fff]", line))
    if cjk >= 4 and len(_SPACED.findall(line)) >= 0.6 * cjk:
        return _SPACED.sub("", re.sub(r" {2,}", " ", line))
    return line
