"""Synthetic 决算/预算 reports for the benchmarks, written the way the bundled ones are.

`python -m benchmarks.synth OUT --reports N [--seed 0]`

The text follows the Sichuan 单位决算 (.txt: the same parts and numbered
sections, tab-separated tables) and the Shanghai 部门决算/部门预算 PDFs (their
tables: 收入支出决算总表, 收入决算表, 支出决算表, 一般公共预算财政拨款支出决算表, the
basic spending by 经济分类, the “三公” table). Units, places and figures are
invented (see catalog.py); they are for benchmarks only and are generated into a
temporary folder, never committed as data.

The figures reconcile as a reader would check them: items sum to their 款, 类 and
合计; 基本支出 + 项目支出 = 合计; 人员经费 + 公用经费 = 基本支出; shares and growth
rates are computed from the printed figures. Each (unit, year) is drawn once
from its own seed, so a 决算's 年初预算 is that year's 预算 report, and its
comparison with the year before uses the previous year's 决算 figures.
"""
from __future__ import annotations

import argparse
import random
from dataclasses import dataclass
from functools import lru_cache
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

from .catalog import AGENCIES, CAPITAL, ECONOMIC_GROUPS, FAMILY, PERSONNEL, PLACES, RUNNING, SHARED, Agency

CENT = Decimal("0.01")
FIRST_YEAR = 2019
YEARS_PER_UNIT = 6            # 决算 for 2019–2024 and 预算 for 2020–2025
CLASS_ORDER = {"201": "一", "204": "四", "205": "五", "207": "七", "208": "八", "210": "九", "211": "十",
               "212": "十一", "213": "十二", "221": "十九"}
REASONS = ["人员变动及工资标准调整", "项目支出按实施进度安排", "压减一般性支出、严控非刚性支出", "新增信息化运维项目",
           "上年一次性项目本年未再安排", "退休人员增加相应增加离退休经费"]


@dataclass(frozen=True)
class Unit:
    index: int
    name: str            # 杭州市西湖区民政局
    agency: Agency
    staff: int           # drives the size of every figure
    cars: int
    projects: float      # 万元 of project spending per head and project, before yearly variation


@dataclass
class Ledger:
    """A year's money of a unit, as budgeted or as spent: basic by economic item, projects by function."""

    economic: dict[str, Decimal]
    projects: dict[str, Decimal]
    car_purchase: Decimal
    other_income: Decimal

    @property
    def basic(self) -> Decimal:
        return sum(self.economic.values(), Decimal(0))

    @property
    def project(self) -> Decimal:
        return sum(self.projects.values(), Decimal(0))

    @property
    def total(self) -> Decimal:
        return self.basic + self.project

    def group(self, prefix: str) -> Decimal:
        return sum((v for k, v in self.economic.items() if k.startswith(prefix)), Decimal(0))

    @property
    def personnel(self) -> Decimal:
        return self.group("301") + self.group("303")

    @property
    def running(self) -> Decimal:
        return self.group("302") + self.group("310")

    def three_public(self) -> dict[str, Decimal]:
        return {"因公出国（境）费": self.economic["30212"], "公务用车购置费": self.car_purchase,
                "公务用车运行维护费": self.economic["30231"], "公务接待费": self.economic["30217"]}

    def items(self, agency: Agency) -> list[tuple[str, str, str, str, str, str, Decimal, Decimal]]:
        """功能分类 项 rows: (类, 类名, 款, 款名, 项, 项名, basic, project); shared items equal their economic item."""
        shared = [(c, cn, s, sn, i, iname, self.economic[econ], Decimal(0)) for c, cn, s, sn, i, iname, econ in SHARED]
        own_basic = self.basic - sum(row[6] for row in shared)
        own = [(agency.function, agency.function_name, agency.section, agency.section_name, agency.running, "行政运行",
                own_basic, Decimal(0))]
        own += [(agency.function, agency.function_name, agency.section, agency.section_name, code, name, Decimal(0),
                 self.projects[code]) for code, name in agency.projects]
        return sorted(own + shared, key=lambda row: row[4])


def money(value: float) -> Decimal:
    return Decimal(str(value)).quantize(CENT, ROUND_HALF_UP)


def pct(part: Decimal, whole: Decimal) -> Decimal:
    return (part / whole * 100).quantize(CENT, ROUND_HALF_UP) if whole else Decimal("0.00")


def change(now: Decimal, before: Decimal, what: str) -> str:
    """“X比上年增加 a 万元，增长 b%” with the rate taken from the printed figures."""
    if now == before:
        return f"{what}与上年持平"
    diff = abs(now - before)
    up = now > before
    rate = f"，{'增长' if up else '下降'}{pct(diff, before)}%" if before else ""
    return f"{what}{'增加' if up else '减少'}{diff}万元{rate}"


@lru_cache(maxsize=4)
def units(seed: int) -> list[Unit]:
    """Every synthetic unit, in a fixed order: place by place, agency by agency."""
    rng = random.Random(f"units:{seed}")
    out = []
    for _province, city, districts in PLACES:
        for district in districts:
            for agency in AGENCIES:
                out.append(Unit(len(out), f"{city}{district}{agency.name}", agency, rng.randint(12, 160),
                                rng.choice([0, 0, 1, 1, 2, 3]), rng.uniform(1.0, 8.0)))
    return out


def budget(unit: Unit, year: int, seed: int) -> Ledger:
    rng = random.Random(f"budget:{seed}:{unit.index}:{year}")
    staff = unit.staff * 1.03 ** (year - FIRST_YEAR) * rng.uniform(0.95, 1.05)
    economic = {}
    for code, _name, per_head in PERSONNEL + FAMILY:
        economic[code] = money(per_head * staff * rng.uniform(0.85, 1.15))
    for code, _name, per_head in RUNNING + CAPITAL:
        economic[code] = money(per_head * staff * rng.uniform(0.6, 1.4))
    economic["30212"] = money(rng.uniform(3, 18)) if rng.random() < 0.2 else Decimal("0.00")
    economic["30231"] = money(unit.cars * rng.uniform(1.5, 4.5))
    economic["30217"] = money(staff * rng.uniform(0.005, 0.04))
    projects = {code: money(staff * unit.projects * rng.uniform(0.7, 1.3)) for code, _ in unit.agency.projects}
    car = money(rng.uniform(18, 30)) if unit.cars and rng.random() < 0.15 else Decimal("0.00")
    other = money(staff * rng.uniform(0.02, 0.3)) if rng.random() < 0.5 else Decimal("0.00")
    return Ledger(economic, projects, car, other)


def actual(unit: Unit, year: int, seed: int) -> Ledger:
    """What was spent: each budget line executed at 80–100% (projects from 55%)."""
    plan = budget(unit, year, seed)
    rng = random.Random(f"actual:{seed}:{unit.index}:{year}")
    economic = {k: (v * Decimal(str(rng.uniform(0.8, 1.0)))).quantize(CENT, ROUND_HALF_UP) for k, v in plan.economic.items()}
    projects = {k: (v * Decimal(str(rng.uniform(0.55, 1.0)))).quantize(CENT, ROUND_HALF_UP) for k, v in plan.projects.items()}
    other = (plan.other_income * Decimal(str(rng.uniform(0.5, 1.5)))).quantize(CENT, ROUND_HALF_UP)
    return Ledger(economic, projects, plan.car_purchase, other)


def balance(unit: Unit, year: int, seed: int) -> Decimal:
    """年初结转和结余: an opening balance that every year's other income is added to, so that
    one year's 年末结转和结余 is the next year's 年初."""
    opening = money(unit.staff * random.Random(f"balance:{seed}:{unit.index}").uniform(0.1, 1.5))
    return opening + sum((actual(unit, y, seed).other_income for y in range(FIRST_YEAR - 1, year)), Decimal(0))


# ---------------------------------------------------------------- tables

def amount(value: Decimal) -> str:
    return "" if value == 0 else f"{value:.2f}"


def tsv(rows: list[list[str]]) -> list[str]:
    return ["\t".join(row) for row in rows]


def function_rows(rows: list[tuple], columns) -> list[list[str]]:
    """类, 款 and 项 rows with their sums; `columns(basic, project)` gives the figures printed per row."""
    out: list[list[str]] = []
    seen: set[str] = set()
    for c, cname, s, sname, i, iname, basic, project in rows:
        for code, name in ((c, cname), (s, sname)):
            if code not in seen:
                seen.add(code)
                under = [r for r in rows if r[4].startswith(code)]
                out.append([code, name, *columns(sum((r[6] for r in under), Decimal(0)),
                                                   sum((r[7] for r in under), Decimal(0)))])
        out.append([i, iname, *columns(basic, project)])
    return out


def classes(rows: list[tuple]) -> list[tuple[str, str, Decimal]]:
    totals: dict[str, tuple[str, Decimal]] = {}
    for c, cname, *_rest, basic, project in rows:
        totals[c] = (cname, totals.get(c, (cname, Decimal(0)))[1] + basic + project)
    return [(c, name, value) for c, (name, value) in sorted(totals.items())]


def side_by_side(left: list[list[str]], right: list[list[str]]) -> list[list[str]]:
    """Two tables printed next to each other (收入 | 支出), the shorter one padded with blank cells."""
    blank_left, blank_right = [""] * len(left[0]), [""] * len(right[0])
    return [(left[i] if i < len(left) else blank_left) + (right[i] if i < len(right) else blank_right)
            for i in range(max(len(left), len(right)))]


# ---------------------------------------------------------------- reports

def final_accounts(unit: Unit, year: int, seed: int) -> str:
    """A 部门决算 in the Sichuan text layout, with the Shanghai tables."""
    now, plan, before = actual(unit, year, seed), budget(unit, year, seed), actual(unit, year - 1, seed)
    rng = random.Random(f"text:{seed}:{unit.index}:{year}")
    rows = now.items(unit.agency)
    carry_in, carry_before = balance(unit, year, seed), balance(unit, year - 1, seed)
    carry_out = carry_in + now.other_income        # other income is kept; spending is all from 财政拨款
    income = now.total + now.other_income
    grand, grand_before = income + carry_in, before.total + before.other_income + carry_before
    cls = classes(rows)
    tp, tp_plan, tp_before = now.three_public(), plan.three_public(), before.three_public()
    car_total, car_plan = tp["公务用车购置费"] + tp["公务用车运行维护费"], tp_plan["公务用车购置费"] + tp_plan["公务用车运行维护费"]
    tp_sum, tp_plan_sum, tp_before_sum = (sum(t.values(), Decimal(0)) for t in (tp, tp_plan, tp_before))
    reason = rng.choice(REASONS)
    plan_rows = {r[4]: r[6] + r[7] for r in plan.items(unit.agency)}
    lines = [f"{year} 年度", "", unit.name, "", "部门决算", "",
             "第一部分 单位概况", "", "一、主要职责", "", f"{unit.name}主要负责本区{unit.agency.duty}等工作。", "",
             "二、机构设置", "", f"本单位为一级预算单位，内设{rng.randint(3, 9)}个科室，编制{unit.staff}人。", "",
             f"第二部分 {year} 年度部门决算情况说明", "",
             "一、收入支出决算总体情况说明", "",
             f"{year} 年度收、支总计 {grand} 万元。与 {year - 1} 年相比，{change(grand, grand_before, '收、支总计各')}。"
             f"主要变动原因是{reason}。", "",
             "二、收入决算情况说明", "",
             f"{year} 年本年收入合计 {income} 万元，其中：财政拨款收入 {now.total} 万元，占 {pct(now.total, income)}%；"
             f"其他收入 {now.other_income} 万元，占 {pct(now.other_income, income)}%。", "",
             "三、支出决算情况说明", "",
             f"{year} 年本年支出合计 {now.total} 万元，其中：基本支出 {now.basic} 万元，占 {pct(now.basic, now.total)}%；"
             f"项目支出 {now.project} 万元，占 {pct(now.project, now.total)}%。", "",
             "四、财政拨款收入支出决算总体情况说明", "",
             f"{year}年财政拨款收、支总计{now.total}万元。与{year - 1}年相比，"
             f"{change(now.total, before.total, '财政拨款收、支总计各')}。主要变动原因是{reason}。", "",
             "五、一般公共预算财政拨款支出决算情况说明", "",
             "（一）一般公共预算财政拨款支出决算总体情况", "",
             f"{year}年一般公共预算财政拨款支出{now.total}万元，占本年支出合计的100%。与{year - 1}年相比，"
             f"{change(now.total, before.total, '一般公共预算财政拨款支出')}。主要变动原因是{reason}。", "",
             "（二）一般公共预算财政拨款支出决算结构情况", "",
             f"{year}年一般公共预算财政拨款支出{now.total}万元，主要用于以下方面："
             + "；".join(f"{name}{value}万元，占{pct(value, now.total)}%" for _, name, value in cls) + "。", "",
             "（三）一般公共预算财政拨款支出决算具体情况", "",
             f"{year}年一般公共预算支出决算数为{now.total}万元，完成预算{pct(now.total, plan.total)}%。其中：", ""]
    for n, (_c, cname, _s, sname, code, iname, basic, project) in enumerate(rows, 1):
        spent, planned = basic + project, plan_rows[code]
        why = "决算数与预算数基本持平" if spent >= planned * Decimal("0.97") else f"决算数小于预算数的主要原因是{rng.choice(REASONS)}"
        lines += [f"{n}.{cname[:-2] if cname.endswith('支出') else cname}（类）{sname}（款）{iname}（项）：支出决算为{spent}万元，"
                  f"完成预算{pct(spent, planned)}%，{why}。", ""]
    lines += ["六、一般公共预算财政拨款基本支出决算情况说明", "",
              f"{year} 年一般公共预算财政拨款基本支出 {now.basic} 万元，其中：人员经费 {now.personnel} 万元，主要包括："
              "基本工资、津贴补贴、奖金、绩效工资、机关事业单位基本养老保险缴费、职业年金缴费、职工基本医疗保险缴费、住房公积金、退休费等。", "",
              f"公用经费 {now.running} 万元，主要包括：办公费、印刷费、水费、电费、邮电费、物业管理费、差旅费、维修（护）费、会议费、培训费、"
              "公务接待费、工会经费、福利费、公务用车运行维护费、其他交通费用、办公设备购置等。", "",
              "七、财政拨款“三公”经费支出决算情况说明", "",
              "（一）“三公”经费财政拨款支出决算总体情况说明", "",
              f"{year}年“三公”经费财政拨款支出决算为{tp_sum}万元，完成预算{pct(tp_sum, tp_plan_sum)}%，"
              f"{change(tp_sum, tp_before_sum, '较上年')}。决算数小于预算数的主要原因是厉行节约、严控“三公”经费支出。", "",
              "（二）“三公”经费财政拨款支出决算具体情况说明", "",
              f"{year}年“三公”经费财政拨款支出决算中，因公出国（境）费支出决算{tp['因公出国（境）费']}万元，"
              f"占{pct(tp['因公出国（境）费'], tp_sum)}%；公务用车购置及运行维护费支出决算{car_total}万元，占{pct(car_total, tp_sum)}%；"
              f"公务接待费支出决算{tp['公务接待费']}万元，占{pct(tp['公务接待费'], tp_sum)}%。具体情况如下：", "",
              f"1.因公出国（境）费支出{tp['因公出国（境）费']}万元，完成预算{pct(tp['因公出国（境）费'], tp_plan['因公出国（境）费'])}%。", "",
              f"2.公务用车购置及运行维护费支出{car_total}万元，完成预算{pct(car_total, car_plan)}%。", "",
              f"其中：公务用车购置支出 {tp['公务用车购置费']} 万元。截至 {year} 年 12 月底，单位共有公务用车 {unit.cars} 辆。", "",
              f"公务用车运行维护费支出 {tp['公务用车运行维护费']} 万元。主要用于公务用车燃料费、维修费、过路过桥费、保险费等支出。", "",
              f"3.公务接待费支出 {tp['公务接待费']} 万元，完成预算 {pct(tp['公务接待费'], tp_plan['公务接待费'])}%。"
              f"国内公务接待 {rng.randint(1, 30)} 批次，{rng.randint(5, 150)} 人次（不包括陪同人员）。", "",
              "八、政府性基金预算支出决算情况说明", "", f"{year} 年政府性基金预算财政拨款支出 0 万元。", "",
              "九、国有资本经营预算支出决算情况说明", "", f"{year}年国有资本经营预算财政拨款支出0万元。", "",
              "十、其他重要事项的情况说明", "", "（一）机关运行经费支出情况", "",
              f"{year}年，本单位机关运行经费支出{now.running}万元，{change(now.running, before.running, '比上年')}。", ""]
    goods, works = money(float(now.running) * rng.uniform(0.05, 0.3)), Decimal("0.00")
    services = money(float(now.project) * rng.uniform(0.2, 0.7))
    bought = goods + works + services
    small = money(float(bought) * rng.uniform(0.3, 0.9))
    lines += ["（二）政府采购支出情况", "",
              f"{year}年，本单位政府采购支出总额{bought}万元，其中：政府采购货物支出{goods}万元、政府采购工程支出{works}万元、"
              f"政府采购服务支出{services}万元。授予中小企业合同金额{small}万元，占政府采购支出总额的{pct(small, bought)}%。", "",
              "第三部分 名词解释", "",
              "1.财政拨款收入：指单位从同级财政部门取得的财政预算资金。", "",
              "2.基本支出：指为保障机构正常运转、完成日常工作任务而发生的人员支出和公用支出。", "",
              "3.项目支出：指在基本支出之外为完成特定行政任务和事业发展目标所发生的支出。", "",
              "第五部分 附表", ""]
    left = [["一、一般公共预算财政拨款收入", amount(now.total)], ["八、其他收入", amount(now.other_income)]]
    right = [[f"{CLASS_ORDER.get(c, '')}、{name}", amount(value)] for c, name, value in cls]
    lines += ["收入支出决算总表", *tsv([["单位：万元", ""], ["项目", "收入决算数", "项目", "支出决算数"]]
                                   + side_by_side(left, right)
                                   + [["本年收入合计", amount(income), "本年支出合计", amount(now.total)],
                                      ["年初结转和结余", amount(carry_in), "年末结转和结余", amount(carry_out)],
                                      ["总计", amount(grand), "总计", amount(income + carry_in)]]), ""]
    fiscal = side_by_side([["一、一般公共预算财政拨款", amount(now.total)]],
                          [[f"{CLASS_ORDER.get(c, '')}、{name}", amount(value), amount(value)] for c, name, value in cls])
    lines += ["财政拨款收入支出决算总表", *tsv([["单位：万元", ""],
                                         ["项目", "收入决算数", "项目", "支出合计", "支出一般公共预算财政拨款"]]
                                        + fiscal
                                        + [["本年收入合计", amount(now.total), "本年支出合计", amount(now.total),
                                            amount(now.total)],
                                           ["总计", amount(now.total), "总计", amount(now.total), amount(now.total)]]), ""]
    table_rows = []  # other income is booked to the unit's own 行政运行 and its 款 and 类
    for row in function_rows(rows, lambda b, p: [amount(b + p)]):
        value = Decimal(row[2] or 0)
        extra = now.other_income if unit.agency.running.startswith(row[0]) else Decimal(0)
        table_rows.append(row[:2] + [amount(value + extra), amount(value), amount(extra)])
    lines += ["收入决算表", *tsv([["单位：万元", ""], ["科目编码", "科目名称", "本年收入合计", "财政拨款收入", "其他收入"],
                                ["", "合计", amount(income), amount(now.total), amount(now.other_income)]] + table_rows), ""]
    spend = [["科目编码", "科目名称", "本年支出合计", "基本支出", "项目支出"],
             ["", "合计", amount(now.total), amount(now.basic), amount(now.project)]]
    spend += function_rows(rows, lambda b, p: [amount(b + p), amount(b), amount(p)])
    lines += ["支出决算表", *tsv([["单位：万元", ""]] + spend), ""]
    general = [["科目编码", "科目名称", "合计", "基本支出", "项目支出"]]
    general += function_rows(rows, lambda b, p: [amount(b + p), amount(b), amount(p)])
    general += [["", "合计", amount(now.total), amount(now.basic), amount(now.project)]]
    lines += ["一般公共预算财政拨款支出决算表", *tsv([["单位：万元", ""]] + general), ""]
    lines += ["一般公共预算财政拨款基本支出决算表", *tsv([["单位：万元", ""]] + economic_rows(now, "决算数")), ""]
    three = [["项目", "预算数", "决算数"], ["“三公”经费合计", amount(tp_plan_sum), amount(tp_sum)]]
    three += [[name, amount(tp_plan[name]), amount(tp[name])] for name in tp]
    lines += ["财政拨款“三公”经费支出决算表", *tsv([["单位：万元", ""]] + three), "",
              "政府性基金预算财政拨款收入支出决算表", "", "注：本单位无政府性基金预算财政拨款支出，故本表无数据。", ""]
    return "\n".join(lines) + "\n"


def economic_rows(ledger: Ledger, column: str) -> list[list[str]]:
    names = {code: name for code, name, _ in PERSONNEL + FAMILY + RUNNING + CAPITAL}
    rows = [["科目编码", "科目名称", column]]
    for group, gname in ECONOMIC_GROUPS.items():
        rows.append([group, gname, amount(ledger.group(group))])
        rows += [[code, names[code], amount(v)] for code, v in sorted(ledger.economic.items()) if code.startswith(group)]
    rows += [["", "人员经费合计", amount(ledger.personnel)], ["", "公用经费合计", amount(ledger.running)]]
    return rows


def budget_report(unit: Unit, year: int, seed: int) -> str:
    """A 部门预算: the same unit's plan for the year, in the layout of the Shanghai 部门预算."""
    plan, last = budget(unit, year, seed), budget(unit, year - 1, seed)
    rows = plan.items(unit.agency)
    income = plan.total
    fiscal = income - plan.other_income
    cls = classes(rows)
    tp, tp_last = plan.three_public(), last.three_public()
    tp_sum, tp_last_sum = sum(tp.values(), Decimal(0)), sum(tp_last.values(), Decimal(0))
    car = tp["公务用车购置费"] + tp["公务用车运行维护费"]
    lines = [f"{unit.name}", "", f"{year}年部门预算", "",
             "第一部分 部门职责和机构设置", "", f"{unit.name}主要负责本区{unit.agency.duty}等工作。", "",
             f"第二部分 {year}年部门预算情况说明", "",
             "一、收支预算总体情况", "",
             f"{year}年{unit.name}收入预算{income}万元，支出预算{plan.total}万元。与{year - 1}年预算相比，"
             f"{change(plan.total, last.total, '支出预算')}。", "",
             "二、收入预算情况", "",
             f"{year}年收入预算{income}万元，其中：财政拨款收入{fiscal}万元，占{pct(fiscal, income)}%；"
             f"其他收入{plan.other_income}万元，占{pct(plan.other_income, income)}%。", "",
             "三、支出预算情况", "",
             f"{year}年支出预算{plan.total}万元，其中：基本支出{plan.basic}万元，占{pct(plan.basic, plan.total)}%；"
             f"项目支出{plan.project}万元，占{pct(plan.project, plan.total)}%。", "",
             "四、一般公共预算支出预算情况", "",
             f"{year}年一般公共预算财政拨款支出预算{plan.total}万元，主要用于以下方面："
             + "；".join(f"{name}{value}万元，占{pct(value, plan.total)}%" for _, name, value in cls) + "。", "",
             "五、“三公”经费预算情况", "",
             f"{year}年“三公”经费预算{tp_sum}万元，{change(tp_sum, tp_last_sum, '比上年预算')}。其中：因公出国（境）费"
             f"{tp['因公出国（境）费']}万元；公务用车购置及运行维护费{car}万元（其中：公务用车购置费{tp['公务用车购置费']}万元，"
             f"公务用车运行维护费{tp['公务用车运行维护费']}万元）；公务接待费{tp['公务接待费']}万元。", "",
             "六、机关运行经费预算情况", "",
             f"{year}年机关运行经费预算{plan.running}万元，{change(plan.running, last.running, '比上年预算')}。", "",
             "第三部分 附表", ""]
    left = [["财政拨款收入", amount(fiscal)], ["其他收入", amount(plan.other_income)]]
    right = [[name, amount(value)] for _, name, value in cls]
    lines += ["收支预算总表", *tsv([["单位：万元", ""], ["项目", "收入预算数", "项目", "支出预算数"]] + side_by_side(left, right)
                                 + [["收入总计", amount(income), "支出总计", amount(plan.total)]]), ""]
    spend = [["科目编码", "科目名称", "合计", "基本支出", "项目支出"],
             ["", "合计", amount(plan.total), amount(plan.basic), amount(plan.project)]]
    spend += function_rows(rows, lambda b, p: [amount(b + p), amount(b), amount(p)])
    lines += ["支出预算表", *tsv([["单位：万元", ""]] + spend), ""]
    lines += ["一般公共预算基本支出部门预算经济分类预算表", *tsv([["单位：万元", ""]] + economic_rows(plan, "预算数")), ""]
    three = [["项目", "上年预算数", "本年预算数"], ["“三公”经费合计", amount(tp_last_sum), amount(tp_sum)]]
    three += [[name, amount(tp_last[name]), amount(tp[name])] for name in tp]
    lines += ["“三公”经费预算表", *tsv([["单位：万元", ""]] + three), ""]
    return "\n".join(lines) + "\n"


def report(index: int, seed: int = 0) -> tuple[str, str]:
    """The index-th synthetic report: (file name, text). Reports 0–5 of a unit are 决算, 6–11 预算."""
    all_units = units(seed)
    unit = all_units[(index // (2 * YEARS_PER_UNIT)) % len(all_units)]
    slot = index % (2 * YEARS_PER_UNIT)
    if slot < YEARS_PER_UNIT:
        year = FIRST_YEAR + slot
        return f"{unit.name}{year}年度部门决算.txt", final_accounts(unit, year, seed)
    year = FIRST_YEAR + 1 + slot - YEARS_PER_UNIT
    return f"{unit.name}{year}年部门预算.txt", budget_report(unit, year, seed)


def write(out: Path, count: int, seed: int = 0, start: int = 0) -> list[Path]:
    """Write reports start … start+count−1 into `out`; the same index always gives the same report."""
    out.mkdir(parents=True, exist_ok=True)
    limit = len(units(seed)) * 2 * YEARS_PER_UNIT
    if start + count > limit:
        raise ValueError(f"at most {limit} distinct synthetic reports (asked for {start + count})")
    paths = []
    for index in range(start, start + count):
        name, text = report(index, seed)
        path = out / name
        path.write_text(text, encoding="utf-8")
        paths.append(path)
    return paths


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Write synthetic 决算/预算 reports (benchmarks only).")
    parser.add_argument("out", type=Path)
    parser.add_argument("--reports", type=int, default=39)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    paths = write(args.out, args.reports, args.seed)
    print(f"wrote {len(paths)} synthetic reports to {args.out}")


if __name__ == "__main__":
    main()
