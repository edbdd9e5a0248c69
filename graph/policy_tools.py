"""政策工具 coding of clauses: supply-, environment- and demand-side tools.

Chinese policy analysts read a policy text through Rothwell and Zegveld's
three kinds of policy instruments (1985), coding each provision (条款) with
the sub-tools it uses:

* 供给型 (supply-side): the government *pushes* innovation by supplying its
  inputs - talent, money, technology, public services, platforms, information;
* 环境型 (environment-side): it shapes the *conditions* - goals and plans,
  finance, tax, regulation, strategic measures (mechanisms, reforms), and
  evaluation;
* 需求型 (demand-side): it *pulls* innovation by creating demand - public
  procurement, outsourcing, trade measures, overseas bodies, demonstration
  and application.

The rules are explicit keyword/pattern lists (documented, with examples, in
docs/policy_tools.md, which a test keeps in step with :data:`RULES`), so a
reviewer can see why a clause got a code.  A clause may carry several codes
(the usual multi-label practice); headings and titles are not provisions and
get none.  Names of programs, places, platform types and organizations are
masked before matching, so 中关村国家自主创新示范区 does not read as 示范应用
nor 北京国际科技创新中心 as 海外机构.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Iterable

from ingest.aliases import AliasTable, load_aliases
from ingest.document import Clause, Document

CATEGORIES: dict[str, str] = {"supply": "供给型", "environment": "环境型", "demand": "需求型"}
"""Category key → the label analysts use."""

CODED_KINDS = ("paragraph", "item")
"""Clause kinds that are provisions (titles, headings, attachment marks are not)."""

MASKED_KINDS = ("Program", "Place", "PlatformType", "Platform", "Organization")
"""Entity names blanked out before matching: their words are names, not tools."""

PLATFORM_KINDS = ("PlatformType", "Platform")
PLATFORM_MARK = "▣"
"""Platform names are masked with this mark (others with ``□``), so "建设 <platform>"
still reads as 平台建设 while the words inside the name do not count."""


@dataclass(frozen=True)
class ToolRule:
    """One sub-tool: its category, its analysts' name, and the pattern that signals it."""

    category: str
    tool: str
    pattern: str
    english: str

    @property
    def regex(self) -> re.Pattern[str]:
        return _compiled(self.pattern)


_CACHE: dict[str, re.Pattern[str]] = {}


def _compiled(pattern: str) -> re.Pattern[str]:
    if pattern not in _CACHE:
        _CACHE[pattern] = re.compile(pattern)
    return _CACHE[pattern]


RULES: tuple[ToolRule, ...] = (
    # 供给型: inputs the government supplies
    ToolRule(
        "supply",
        "人才培养",
        r"人才培养|培养[^。；，]{0,12}人才|人才[^。；，]{0,4}(?:引进|引育|队伍|梯队|支持)|(?:引进|支持|培养|汇聚|吸引)[^。；，]{0,12}(?:人才|科学家)|聚才|育人|育才|领军人才|青年人才|顶尖人才|人才特区|人才高地",
        "talent development",
    ),
    ToolRule(
        "supply",
        "资金投入",
        r"专项资金|财政[^。；，]{0,6}(?:投入|资金|经费)|经费支持|资金支持|给予[^。；，]{0,12}(?:资助|经费|支持)|\d+(?:\.\d+)?[万亿]元|(?:经费|资金)(?:保障|投入)|投入机制|加大[^。；，]{0,8}投入",
        "funding input",
    ),
    ToolRule(
        "supply",
        "技术支持",
        r"技术攻关|关键核心技术|共性技术|核心技术|技术研发|研发攻关|技术突破|技术转移|成果转化|技术供给|技术创新服务",
        "technology support",
    ),
    ToolRule(
        "supply",
        "公共服务",
        r"公共服务|服务平台|服务体系|科技服务|开放共享|孵化|创新券|便利和服务|配套保障|条件保障|提供[^。；，]{0,10}(?:保障|服务|便利)",
        "public services",
    ),
    ToolRule(
        "supply",
        "平台建设",
        r"平台建设|建设[^。；，]{0,12}(?:平台|实验室|基地|装置)|(?:创新|科研|研究)平台|基础设施|科学装置|科研设施|布局建设|(?:建设|新建|组建|打造|推进|优化|依托)[^。；，]{0,12}▣|▣[^。；，]{0,4}(?:建设|布局)",
        "platform and infrastructure building",
    ),
    ToolRule("supply", "信息支持", r"信息报送|信息资源|数据平台|信息共享|宣传|传播", "information support"),
    # 环境型: the conditions innovation happens in
    ToolRule(
        "environment",
        "目标规划",
        r"总体目标|发展目标|目标任务|绩效目标|总体规划|发展规划|规划部署|总体布局|布局[^。；，]{0,6}(?:建设|领域)|到\d{4}年|三步走|战略目标|实施目标|顶层设计",
        "goals and planning",
    ),
    ToolRule(
        "environment",
        "金融支持",
        r"金融|融资|信贷|贷款|债券|股权|创业投资|引导基金|投贷联动|资本市场|新三板|天使投资|资产证券化",
        "finance",
    ),
    ToolRule("environment", "税收优惠", r"税收|税制|减税|免税|税前扣除|税收优惠", "tax incentives"),
    ToolRule(
        "environment",
        "法规管制",
        r"管理办法|办法|细则|法规|法律|立法|法治|知识产权保护|审计|学术不端|诚信|惩处|备案|审核|核准|审批|权力清单|责任清单|监督|规范",
        "regulation and control",
    ),
    ToolRule(
        "environment",
        "策略性措施",
        r"机制|体制|改革|试点|揭榜挂帅|赛马|包干制|项目经理人|负责制|鼓励|引导|激励|协同创新|统筹|营造|优化[^。；，]{0,6}环境",
        "strategic measures",
    ),
    ToolRule(
        "environment",
        "考核评估",
        r"考核|评估|评价|评议|验收|绩效|检查|摘牌|动态调整|退出机制|优胜劣汰|中期|年度报告",
        "evaluation and assessment",
    ),
    # 需求型: demand the government creates
    ToolRule("demand", "政府采购", r"政府采购|首购首用|政府购买|购买服务", "public procurement"),
    ToolRule("demand", "外包", r"外包|委托|专业机构管理|社会资本合作|PPP", "outsourcing"),
    ToolRule("demand", "贸易管制", r"外贸|进出口|贸易|市场准入|开拓国际市场|审评审批|技术标准|国际标准", "trade measures"),
    ToolRule(
        "demand",
        "海外机构",
        r"海外|国际[^。；，]{0,6}(?:合作|交流|组织|机构|期刊|会议)|走出去|引进来|一带一路|跨国|离岸|全球[^。；，]{0,4}网络",
        "overseas bodies and cooperation",
    ),
    ToolRule("demand", "示范应用", r"示范|应用推广|(?<!宣传)推广|应用场景|产业化|集成应用|应用转化|首台", "demonstration and application"),
)
"""The coding rules, category by category (see docs/policy_tools.md).

Unlike the other cue words of the project, these stay here rather than in
ingest/lexicon/ (overlap.yaml points here): each rule is one pattern,
documented with examples in docs/policy_tools.md, and
tests/overlap/test_policy_tools.py keeps the two in step."""


@dataclass(frozen=True)
class ToolCode:
    """One sub-tool found in a clause, with the keyword and its source offsets."""

    category: str
    tool: str
    keyword: str
    start: int
    end: int

    @property
    def category_label(self) -> str:
        return CATEGORIES[self.category]

    @property
    def label(self) -> str:
        """``"供给型:人才培养"``: the matrix row name of the sub-tool."""
        return f"{CATEGORIES[self.category]}:{self.tool}"

    def to_dict(self) -> dict[str, Any]:
        return {
            "category": self.category,
            "category_label": self.category_label,
            "tool": self.tool,
            "keyword": self.keyword,
            "start": self.start,
            "end": self.end,
        }


@dataclass(frozen=True)
class ClauseCoding:
    """The codes of one clause (first keyword per sub-tool)."""

    doc_id: str
    clause_id: str
    codes: tuple[ToolCode, ...]

    @property
    def categories(self) -> list[str]:
        return list(dict.fromkeys(c.category for c in self.codes))

    def to_dict(self) -> dict[str, Any]:
        return {
            "doc_id": self.doc_id,
            "clause_id": self.clause_id,
            "categories": self.categories,
            "codes": [c.to_dict() for c in self.codes],
        }


def mask_names(text: str, table: AliasTable | None) -> str:
    """``text`` with entity names of :data:`MASKED_KINDS` blanked (same length, so offsets hold)."""
    if table is None:
        return text
    chars = list(text)
    for m in table.find_mentions(text):
        if m.kind in MASKED_KINDS:
            mark = PLATFORM_MARK if m.kind in PLATFORM_KINDS else "□"
            chars[m.start : m.end] = mark * (m.end - m.start)
    return "".join(chars)


def code_text(text: str, base: int = 0, table: AliasTable | None = None) -> tuple[ToolCode, ...]:
    """The sub-tools a provision's text uses, in rule order; offsets are ``base`` + index."""
    masked = mask_names(text, table)
    codes: list[ToolCode] = []
    for rule in RULES:
        m = rule.regex.search(masked)
        if m:
            codes.append(ToolCode(rule.category, rule.tool, text[m.start() : m.end()], base + m.start(), base + m.end()))
    return tuple(codes)


def code_clause(clause: Clause, table: AliasTable | None = None) -> ClauseCoding:
    """The coding of one clause (no codes for headings, titles and attachment marks)."""
    if clause.kind not in CODED_KINDS:
        return ClauseCoding(clause.doc_id, clause.clause_id, ())
    return ClauseCoding(clause.doc_id, clause.clause_id, code_text(clause.text, clause.start, table))


def code_document(doc: Document, table: AliasTable | None = None) -> list[ClauseCoding]:
    """Codings of every provision of ``doc`` (the default alias table masks names)."""
    table = table if table is not None else load_aliases()
    return [code_clause(c, table) for c in doc.clauses if c.kind in CODED_KINDS]


def tool_counts(documents: Iterable[Document], table: AliasTable | None = None) -> dict[str, dict[str, Any]]:
    """Per document: provisions coded, clauses per category and per sub-tool.

    Counts are of clauses (a clause using two supply tools counts once for
    供给型 and once under each sub-tool), the unit analysts tabulate.
    """
    out: dict[str, dict[str, Any]] = {}
    for doc in documents:
        codings = code_document(doc, table)
        cats = {label: 0 for label in CATEGORIES.values()}
        tools = {f"{CATEGORIES[r.category]}:{r.tool}": 0 for r in RULES}
        for coding in codings:
            for cat in coding.categories:
                cats[CATEGORIES[cat]] += 1
            for code in coding.codes:
                tools[code.label] += 1
        out[doc.doc_id] = {
            "provisions": len(codings),
            "coded": sum(1 for c in codings if c.codes),
            "categories": cats,
            "tools": {k: v for k, v in tools.items() if v},
        }
    return out
