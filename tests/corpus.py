"""Where the real reports the tests read are."""
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REPORTS = ROOT / "data" / "reports"
FINAL = REPORTS / "final-accounts"
SICHUAN = FINAL / "四川省农民工服务中心2022年度单位决算.txt"
GHZY = FINAL / "上海市普陀区规划和自然资源局2024年度部门决算.pdf"
CZJ = FINAL / "上海市普陀区财政局2024年度部门决算.pdf"
MORE = ROOT.parent / "shared" / "corpus" / "more"  # real reports of other provinces (CI has shared/ beside the clone)
