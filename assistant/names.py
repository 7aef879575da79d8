"""The names people use for a unit, in Chinese and in English, derived from its printed name.

Nothing here names a particular unit: short Chinese names come from the
structure of the printed name (place › district › body, qualifiers such as
（汇总） or （本级） dropped), English names from the pinyin of the place and a
table of the words unit names are made of (审计 Audit, 局 Bureau …), so a unit
uploaded today can be asked about in either language.
"""
from __future__ import annotations

import re
from functools import lru_cache

from pypinyin import lazy_pinyin

# （汇总） the consolidated report, （本级） the body itself: a person asking names the unit without them
QUALIFIER = re.compile(r"[（(](?:汇总|本级|机关本级|部门|单位|合并|机关)[）)]")
_PLACE = re.compile(r"^(.{2,3}?(?:省|市|自治区))?(.{2,3}?(?:区|县|市))?(.+)$")

# The words Chinese unit names are made of, with the English words people use for them.
# Longest first, so that 人力资源和社会保障 is read before 社会; "and"/"of" are never needed to match.
UNIT_WORDS: list[tuple[str, tuple[str, ...]]] = sorted([
    ("发展和改革", ("development", "reform")), ("人力资源和社会保障", ("human", "resources", "social", "security")),
    ("自然资源和规划", ("natural", "resources", "planning")), ("规划和自然资源", ("planning", "natural", "resources")),
    ("卫生健康", ("health",)), ("生态环境", ("ecology", "environment", "ecological", "environmental")),
    ("退役军人事务", ("veterans", "affairs")), ("医疗保障", ("healthcare", "medical", "security", "insurance")),
    ("市场监管", ("market", "regulation", "supervision")), ("市场监督管理", ("market", "regulation", "supervision")),
    ("政务服务和数据管理", ("government", "services", "data", "management")),
    ("行政审批服务", ("administrative", "approval", "services")), ("安全生产监督管理", ("work", "safety")),
    ("应急管理", ("emergency", "management")), ("大数据", ("big", "data")), ("信访", ("petition", "petitions", "letters", "calls")),
    ("审计", ("audit", "auditing")), ("财政", ("finance", "financial")), ("司法", ("justice",)),
    ("公安", ("public", "security", "police")), ("气象", ("meteorological", "meteorology", "weather")),
    ("统计", ("statistics", "statistical")), ("教育", ("education", "educational")), ("水利", ("water", "resources")),
    ("宣传", ("publicity", "propaganda")), ("口岸", ("port", "ports")), ("交通", ("transport", "transportation")),
    ("商务", ("commerce", "commercial")), ("社会工作", ("social", "work")), ("农民工", ("migrant", "workers")),
    ("高级", ("high",)), ("检察", ("procuratorate",)), ("法院", ("court",)), ("人大", ("people's", "congress")), ("常委会", ("standing", "committee")),
    ("政协", ("cppcc", "political", "consultative")), ("治安管理", ("public", "order", "security")),
    ("职业技术", ("vocational", "technical")), ("职业教育", ("vocational", "education")), ("附属", ("affiliated",)),
    ("中医", ("traditional", "chinese", "medicine", "tcm")), ("文献", ("literature", "documentation")),
    ("工务", ("works", "engineering")), ("社会福利", ("social", "welfare")), ("民政", ("civil", "affairs")),
    ("文化", ("culture", "cultural")), ("旅游", ("tourism",)), ("体育", ("sports", "sport")),
    ("科技", ("science", "technology")), ("科学技术", ("science", "technology")), ("农业农村", ("agriculture", "rural")),
    ("住房和城乡建设", ("housing", "urban", "rural", "construction")), ("城市管理", ("urban", "management")),
    ("林业", ("forestry",)), ("税务", ("taxation", "tax")), ("档案", ("archives",)), ("机关事务", ("government", "offices")),
    ("外事", ("foreign", "affairs")), ("粮食", ("grain",)), ("人民政府", ("government", "people's")),
    ("政府", ("government",)), ("投资", ("investment",)), ("市政", ("municipal",)), ("项目", ("project", "projects")),
    ("综合协调", ("coordination",)), ("监测", ("monitoring",)), ("技术保障", ("technical", "support")),
    ("数据", ("data",)), ("服务", ("service", "services")), ("管理", ("management", "administration")),
    ("基地", ("base",)), ("办公", ("office",)), ("中共", ("cpc", "party")),
    ("街道", ("sub-district", "subdistrict", "street")), ("镇", ("town",)), ("乡", ("township",)),
], key=lambda w: -len(w[0]))

# The kind of body, by the last characters of its name.
UNIT_TYPES: list[tuple[str, tuple[str, ...]]] = sorted([
    ("人民法院", ("court",)), ("人民检察院", ("procuratorate",)), ("局", ("bureau", "administration")), ("委员会", ("commission", "committee")), ("委", ("commission", "committee")),
    ("办公室", ("office",)), ("办公厅", ("general", "office")), ("中心", ("center", "centre")),
    ("大学", ("university",)), ("学院", ("college", "institute")), ("学校", ("school",)), ("馆", ("museum", "institute", "hall")),
    ("院", ("institute", "academy", "court", "hospital")), ("部", ("department",)), ("厅", ("department",)),
    ("支队", ("detachment", "brigade")), ("街道", ("sub-district", "subdistrict", "street")),
    ("办事处", ("office",)), ("所", ("institute", "station")), ("站", ("station",)),
], key=lambda w: -len(w[0]))

# English words too common in questions to identify a unit by themselves
_WEAK = {"public", "government", "management", "services", "service", "office", "data", "resources", "security",
         "affairs", "social", "work", "people's", "general"}


def short_names(unit: str) -> list[str]:
    """Names people use for a unit: 上海市普陀区财政局 → 普陀区财政局, 财政局; 某委员会（汇总） → 某委员会, 某委."""
    names = {unit}
    base = QUALIFIER.sub("", unit).strip()
    names.add(base)
    stripped = re.sub(r"^中共", "", base)
    names.add(stripped)
    m = re.match(r"^(.{2,3}?(?:省|市))(.{2,3}?(?:区|县))?(.+)$", stripped)
    if m:
        rest = m.group(3)
        names.add(rest)
        if rest.startswith("委"):  # 区委社会工作部 → 社会工作部; 省委办公厅 stays whole
            names.add(rest[1:] if m.group(2) else m.group(1)[-1] + rest)
            if m.group(2):
                names.add(m.group(2)[-1] + rest)
        if m.group(2):
            names.add(m.group(2) + rest)
            names.add(m.group(2)[:-1] + rest)
        names.add(m.group(1)[:-1] + rest)
    for name in list(names):
        for long, short in (("人民政府", "政府"), ("办事处", ""), ("街道办事处", "街道"), ("常委会", ""),
                            ("委员会", "委"), ("人民检察院", "检察院"), ("高级人民法院", "高院")):
            if long in name:
                names.add(name.replace(long, short))
    # a provincial organ's office publishes the organ's budget: 江苏省政协办公厅 is asked as 省政协, 江苏省人大
    organs = {n[:-3] for n in names if n.endswith("办公厅")}
    names |= organs | {m.group(1)[-1] + o for o in organs
                       if m and len(o) >= 2 and o[0] not in "省市区县委" and not o.startswith(m.group(1)[:2])}
    return longest_first(n for n in names if len(n) >= 3)


def longest_first(names) -> list[str]:
    """Distinct names, longest first, so that a name is replaced before the shorter names inside it;
    names of one length in a fixed order, so that an answer does not depend on the hash seed."""
    return sorted(set(names), key=lambda n: (-len(n), n))


@lru_cache(maxsize=4096)
def english_words(unit: str) -> tuple[frozenset[str], frozenset[str], frozenset[str]]:
    """(place words, function words, body-type words) of a unit's English name.

    上海市审计局 → ({shanghai}, {audit, auditing}, {bureau, administration}): the
    place in pinyin, each part of the body's name from `UNIT_WORDS`, and its type.
    """
    name = re.sub(r"^中共", "", QUALIFIER.sub("", unit))
    m = _PLACE.match(name)
    places, body = set(), name
    if m:
        for part in (m.group(1), m.group(2)):
            if part:
                core = re.sub(r"(省|市|区|县|自治区)$", "", part)
                places.add("".join(lazy_pinyin(core)))
        body = m.group(3)
    kinds: set[str] = set()
    for suffix, words in UNIT_TYPES:
        if body.endswith(suffix):
            kinds.update(words)
            body = body[: -len(suffix)]
            break
    # a court or a procuratorate is named by its type alone (“the Jiangsu High People's Court”)
    functions: set[str] = kinds & {"court", "procuratorate"}
    for word, english in UNIT_WORDS:
        if word in body:
            functions.update(english)
            body = body.replace(word, " ")
    if unit.startswith("中共"):
        functions.update(("cpc", "party"))
    # what is left is a proper name (万里街道 → Wanli, 上海交通职业技术学院 → Shanghai): said in pinyin
    places.update("".join(lazy_pinyin(name)) for name in re.findall(r"[\u4e00-\u9fff]{2,}", body))
    return frozenset(places), frozenset(functions), frozenset(kinds)


def without_unit_words(question: str, units: list[str]) -> str:
    """An English question with the words of the units it names taken out, so they are not read as items."""
    words = {w for u in units for part in english_words(u) for w in part} | {"district", "city", "municipal",
                                                                             "province", "provincial"}
    return re.sub(r"[A-Za-z][A-Za-z'-]*", lambda m: " " if m.group(0).lower() in words else m.group(0), question)


def english_units(question: str, units: list[str]) -> list[str]:
    """The units an English question names (“the Shanghai Audit Bureau”), best match first.

    A unit matches when the question has at least one of its distinctive function
    words (audit, finance …) and no other unit matches more of its words; the
    place settles which of several audit bureaus is meant.
    """
    asked = set(re.findall(r"[a-z][a-z'-]*", question.lower()))
    asked |= {w[:-2] for w in asked if w.endswith("'s")}  # the procuratorate's budget
    scored = []
    for unit in units:
        places, functions, kinds = english_words(unit)
        strong = (functions - _WEAK) & asked
        if not strong and not (functions & asked and places & asked):
            continue
        if places and not places & asked and _names_a_place(asked, units):
            continue
        score = 3 * len(places & asked) + 2 * len(strong) + len(functions & asked) + len(kinds & asked)
        scored.append((score, unit))
    if not scored:
        return []
    best = max(s for s, _ in scored)
    return [u for s, u in sorted(scored, key=lambda x: -x[0]) if s == best]


_PLACE_EN = re.compile(r"\b([A-Z][a-z]+)\s+(?:Municipal|City|Provincial|Province|District|County|Prefecture)\b"
                       r"(?:\s+[A-Z][a-z]+)*")


def unheld_place(question: str, units: list[str]) -> str:
    """A place an English question names (“the Nanjing Municipal Audit Bureau”) that no unit of the corpus
    is in: the question is about a unit the corpus does not hold, however well its other words match."""
    places = {p for u in units for p in english_words(u)[0]}
    for m in _PLACE_EN.finditer(question):
        if m.group(1).lower() not in places:
            return m.group(0)
    return ""


def shortest_name(unit: str, units: list[str]) -> str:
    """The shortest name of `unit` that no other unit goes by, as a person would write it."""
    others = {n for u in units if u != unit for n in short_names(u)}
    return next((n for n in reversed(short_names(unit)) if n not in others), unit)


# How the last word of a unit's name is shortened: 发展和改革委员会 → 发改委, 口岸办公室 → 口岸办, 附属学校 → 附校
_ENDINGS = {"委员会": "委", "办公室": "办", "办公厅": "办", "学校": "校", "学院": "院", "大学": "大", "中心": "心"}
_NOT_IN_NAME = re.compile(r"[\d年的是在了和与及有、，。？?“”（）()]")


def abbreviated_units(text: str, units: list[str]) -> list[str]:
    """Units that the text names by a shortening of their own (发改委, 宝安管理局, 交通职院, 口岸办).

    A shortening keeps characters of the name in order and ends as the name
    ends (or as its last word is shortened); it must keep at least two
    characters of the body besides that ending. The longest shortening wins, so
    上海科大附校 means 上海科技大学附属学校 and not a unit that merely ends in 校.
    """
    best, found = (0, 0.0), []
    for unit in units:
        score, words = _shortening(text, unit)
        longer = named_as(text, unit)
        if words and words in longer:  # “宝安规自局”: the place before 规自局 is this unit's, not every 规自局's
            score = (len(longer), score[1])
        at = text.find(words) if words else -1
        place = re.search(r"([\u4e00-\u9fff]{2})(?:省|市|区|县)[\u4e00-\u9fff]{0,6}$", text[max(0, at - 10):at]) \
            if at > 0 else None
        if place and place.group(1) not in unit:
            continue  # 广州市统计监测中心 is not 泉州市…综合监测与技术保障中心, whatever its letters
        if score[0] >= 3 and score > best:
            best, found = score, [unit]
        elif score[0] >= 3 and score == best:
            found.append(unit)
    return found


def named_as(text: str, unit: str) -> str:
    """The longest run of the text's characters that are all in the unit's name and end as it ends
    (“宝安规划和自然资源管理局”, “西安市人社局”): how the question names the unit, whatever the order."""
    name, ends, _ = _ending(unit)
    best, run = "", ""
    for char in text + "\0":
        if char in name:
            run += char
            continue
        while run and run[-1] not in ends:
            run = run[:-1]
        # a name starts after the one before it ends (“苏州审计局和苏州自然资源规划局”): not with 局 or 和
        run = run.lstrip("".join(ends) + "和与及")
        best = run if len(run) > len(best) else best
        run = ""
    return best if len(best) >= 4 else ""


def shortening(text: str, unit: str) -> str:
    """The words of `text` that name `unit` by a shortening of its name (“福州治安支队”), if any."""
    score, words = _shortening(text, unit)
    return words if score[0] >= 3 else ""


def _ending(unit: str) -> tuple[str, set[str], str]:
    """A unit's name without qualifiers, the characters a name of it may end with (局, or 委 for
    委员会), and the name before its last word (before 办公室: a shortening keeps two of these)."""
    name = QUALIFIER.sub("", unit)
    ends = {name[-1]} | {short for long, short in _ENDINGS.items() if name.endswith(long)}
    last = next((long for long in _ENDINGS if name.endswith(long)), name[-1])
    return name, ends, name[: -len(last)]


def _shortening(text: str, unit: str) -> tuple[tuple[int, float], str]:
    name, ends, body = _ending(unit)
    score, words = (0, 0.0), ""
    for j, char in enumerate(text):
        if char not in ends or text[j - 1] not in name:
            continue  # every shortening ending here keeps text[j - 1], which the name must hold
        for i in range(max(0, j - 14), j - 1):
            candidate = text[i:j + 1]
            span = _span(candidate[:-1], name)
            if span and not _NOT_IN_NAME.search(candidate) and sum(c in body for c in candidate[:-1]) >= 2:
                # longer first; then the tighter fit (规划资源局 is 规划和自然资源局 more than 规划…宝安管理局)
                fit = (len(candidate), len(candidate) / span)
                if fit > score:
                    score, words = fit, candidate
                break
    return score, words


def _span(body: str, name: str) -> int:
    """How many characters of `name`, from the first matched one to its end, hold `body` in order (0: not held)."""
    start = name.find(body[0]) if body else -1
    if start < 0:
        return 0
    rest = iter(name[start + 1:])
    return len(name) - start if all(c in rest for c in body[1:]) else 0


def _names_a_place(asked: set[str], units: list[str]) -> bool:
    """The question names some place of the corpus (so a unit of another place is not meant)."""
    return any(english_words(u)[0] & asked for u in units)


def longer_name(text: str, unit: str) -> str:
    """The words of the text that name the unit by a longer form of its name (江苏省人大常委会办公厅 for
    江苏省人大办公厅): a run that starts as the name starts, ends as it ends, and holds all of it in order."""
    name = QUALIFIER.sub("", unit)
    for start in (m.start() for m in re.finditer(re.escape(name[:2]), text)):
        end = text.find(name[-2:], start)
        run = text[start:end + 2] if end >= 0 else ""
        if run and run != name and len(name) >= 0.6 * len(run) and _span(run, name) == 0 and _span(name, run):
            return run
    return ""


def mention_core(name: str) -> str:
    """A body's name without the place it starts with (广州市急救医疗指挥中心 → 急救医疗指挥中心):
    the words a report that mentions it uses, with or without the place."""
    core = re.sub(r"^[\u4e00-\u9fff]{2,3}?(?:省|市|区|县)", "", name)
    return core if len(core) >= 4 else name

