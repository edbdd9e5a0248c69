"""What a question is about: linked entities, actions, intent and expected answer type.

Why this exists: "which rule applies" depends on *who* (a platform type, a
role, a program, a named center — Chinese or English, through the one alias
table of ingest/aliases.py), *what action* (报送, 评估, 调整预算, 摘牌 …),
and *what kind of rule* is asked for (an obligation, a deadline, funding, a
sanction, a condition, or a plain fact). Ranking uses all three as boosts;
answering uses the expected answer type ("几月几号" needs a date, "百分之几"
a percentage) to notice when the corpus is silent.

Everything here is a pure function of the question text and the alias table;
the cue lists are general vocabulary of policy questions, not dev questions.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from ingest.aliases import AliasTable, Mention, load_aliases

INTENTS = ("obligation", "deadline", "funding", "sanction", "condition", "fact")

# Cues per intent: (Chinese regex, English regex). Order of INTENTS breaks ties.
_INTENT_CUES: dict[str, tuple[str, str]] = {
    "sanction": (
        r"摘牌|撤销|取消资格|处罚|惩罚|问责|追责|后果|不合格|停止支持|减少经费|退出|受影响|没完成|未完成|违反|不力|会怎样|怎么办",
        r"\b(sanction|penalt|punish|revok|withdraw|consequence|fail(s|ed|ure)?|lose|terminate|disqualif)",
    ),
    "deadline": (
        r"多久|多长时间|多长|什么时候|何时|哪年|哪一年|哪天|几月|几号|几日|截止|期限|周期|频率|每年|每隔|一次|几年|时限|时间节点|阶段目标|起施行|开始执行|生效",
        r"\b(when|how long|how often|deadline|due|period|cycle|frequency|annual|yearly|by what date|which year|effective|take effect)\b",
    ),
    "funding": (
        r"经费|资金|钱|预算|拨款|资助|投入|额度|包干|补贴|万元|亿元|财政|比例",
        r"\b(fund|funding|funds|budget|money|grant|grants|finance|financial|cost|amount|lump[- ]sum|subsid)",
    ),
    "condition": (
        r"条件|门槛|标准|资格|能申请|可以申请|能不能|可不可以|能否|可以作为|要求.{0,4}(什么|哪些)|符合|申报条件|立项标准|适合|够格|年龄",
        r"\b(eligib|qualif|requirement|criteria|criterion|condition|can .{0,30}apply|allowed|may .{0,20}(apply|lead))",
    ),
    "obligation": (
        r"职责|义务|责任|负责|应当|必须|须|要履行|履行|报送|提交|报给|报谁|备案|审核|谁来|由谁|谁牵头|配合|协助|要做|做什么|哪些工作",
        r"\b(must|shall|should|responsib|duty|duties|obligat|submit|report|file|who (is|must|should)|in charge|help carry)",
    ),
}

# Actions: canonical Chinese verb -> (Chinese surface regex, English regex).
_ACTIONS: dict[str, tuple[str, str]] = {
    "报送": (r"报送|报给|上报|提交|报市|报北京市|报依托", r"\b(submit|report|send|hand in)"),
    "备案": (r"备案", r"\b(record|filing|file with|register)"),
    "审核": (r"审核|审查|审议|核准|审定|批准|拍板", r"\b(review|approv|examin|sign[- ]off)"),
    "评估": (r"评估|评议|评价|考核|验收|论证", r"\b(evaluat|assess|appraisal|review|inspection|acceptance)"),
    "调整预算": (r"调整.{0,4}预算|预算.{0,4}调整|调整", r"\b(adjust|reallocat|change the budget)"),
    "摘牌": (r"摘牌|撤销资格|授牌", r"\b(revok|delist|plaque)"),
    "申报": (r"申报|申请|牵头|立项|组建|创建|授牌", r"\b(apply|application|applying|establish|set up|found)"),
    "资助": (r"资助|支持|经费|拨款", r"\b(fund|support|grant)"),
    "组织": (r"组织|召开|开展|成立", r"\b(organi[sz]e|hold|convene|carry out|set up)"),
    "聘任": (r"聘任|聘用|引进|人才", r"\b(hire|recruit|talent|employ)"),
}

# Expected answer types: (question cue, what a clause must contain to answer it).
_ANSWER_TYPES: dict[str, tuple[str, str]] = {
    "date": (
        r"几月几[号日]|几月份|几号|哪天|哪一天|什么日期|截止日期|截止时间|具体日期|\bwhat date\b|\bwhich day\b|\bexact date\b",
        r"\d{1,2}月|[一二三四五六七八九十]{1,3}月|\d{1,2}[日号]|年底|年末|年初|月底|之日|日起|季度",
    ),
    "year": (
        r"哪年|哪一年|何年|\bwhich year\b|\bwhat year\b|\bby when\b",
        r"\d{4}\s*年",
    ),
    "percent": (
        r"百分之几|百分比|多少比例|比例是多少|比例多少|占.{0,8}多少|几成|\bpercent|\bpercentage\b|\bwhat share\b|\bproportion\b",
        r"\d+(\.\d+)?\s*%|百分之|[一二三四五六七八九]成",
    ),
    "money": (
        r"多少.{0,6}(钱|经费|资金|资助|拨款|补贴|奖励|额度|费)|(钱|经费|资金|资助|拨款|补贴|额度).{0,6}(多少|上限|最高|最多)|多少万|多少亿|金额|给多少"
        r"|\bhow much\b|\b(maximum|minimum|max|total|annual)\b.{0,30}\b(fund|funding|grant|budget|amount|money)|\bwhat amount\b",
        # A share of a budget (70%用于…) answers "how much of the funding" too.
        r"\d+(\.\d+)?\s*(万|亿|千万|百万|元|%)|[一二三四五六七八九十百千]+\s*(万|亿)元|百分之",
    ),
    "duration": (
        r"多久|多长时间|多长|几年|期限|周期多|\bhow long\b|\bhow often\b|\bhow frequently\b",
        r"\d+\s*(年|个月|月|天|日|周)|[一二三四五六七八九十两]+\s*(年|个月|天|周)|年度|每年|周期|一次|定期|长期",
    ),
    "time": (
        r"什么时候|何时|什么时间|\bwhen\b",
        r"\d{1,2}月|\d{4}\s*年|年底|年末|年初|月底|之日|日起|季度|每年|年度|周期|\d+\s*(年|个月|天)|[一二三四五六七八九十两]+\s*(年|个月|天)|前",
    ),
    "recipient": (
        r"报给谁|报谁|交给谁|向谁|找谁|报给哪|报哪|交给哪|报到哪|报送给|哪个部门|哪个单位|\bto whom\b|\bwhich (department|office|agency)\b|\bsubmit(ted)? to\b|\breport(ed)? to\b",
        r"向[^，。；]{1,25}(提交|报送|报告|申请|备案|申报)|报[^，。；]{0,20}(备案|审核|批准|核准|审定|审议)|报送[^，。；]{2,25}|[报交](市|北京市|依托|有关部门|领导小组)",
    ),
    "count": (
        r"多少个|多少条|多少项|多少家|多少类|多少种|多少名|多少人|多少位|多少所|几个|几家|几类|几项|几条|几章|几种|几名|几位|几所"
        r"|\bhow many\b",
        # A number with a measure word: a bare digit (45岁, 2035年) counts nothing.
        r"\d+\s*(个|家|类|项|条|名|人|位|章|所|种|大|批)|[一二三四五六七八九十两百千]+\s*(个|家|类|项|条|名|人|位|章|所|种|大)",
    ),
    "place": (
        r"放在哪|设在哪|落在哪|位于哪|落户在?哪|(在|到)哪里?(举办|召开|举行)|设在什么地方|在什么地方(举办|召开|举行)|哪个城市|哪个区",
        r"设在|位于|落户|坐落|(在|于)[^，。；]{1,12}(举办|召开|举行)",
    ),
}

# Colloquial words of questions -> the formal words policy documents use for
# the same thing. General vocabulary of how people ask about rules (钱 for
# 经费, 学校 for 高校, 交 for 报送 …), applied to the lexical query only.
_COLLOQUIAL = {
    "钱": ("经费", "资金"), "拨款": ("经费", "资金"), "花钱": ("经费",), "给钱": ("经费", "支持"),
    "学校": ("高校",), "大学": ("高校",), "院校": ("高校",), "本科": ("高校",),
    "交": ("报送", "提交"), "上交": ("报送", "提交"), "报给": ("报送", "提交"), "递交": ("报送", "提交"),
    "执行": ("施行", "实施"), "生效": ("施行",), "开始实施": ("施行",),
    "门槛": ("条件", "标准"), "要求": ("条件", "标准"), "资格": ("条件",),
    "年报": ("年度报告",), "总结": ("年度报告", "自评"),
    "拍板": ("审定", "审议"), "批准": ("审定", "审批"), "审批": ("审定", "审核"),
    "罚": ("处罚",), "后果": ("减少", "停止", "撤销"), "没完成": ("未完成", "没有完成"),
    "流程": ("程序",), "步骤": ("程序",), "手续": ("程序",),
    "多久": ("周期",), "多长时间": ("周期",), "期限": ("周期",),
    "谁": ("负责",), "找谁": ("负责",), "开会": ("会议",), "年轻": ("青年",),
}

# English policy vocabulary -> the Chinese words the documents use. Why: an
# English question meets the Chinese clauses only through the dense model and
# the alias table (names of entities); this gives BM25 the plain domain words
# too, and tells an on-topic English question that names no entity from an
# off-topic one. General vocabulary of the domain, not phrases of questions.
_ENGLISH_TERMS: dict[str, tuple[str, ...]] = {
    r"\bfund(s|ing|ed)?\b|\bgrants?\b|\bfinancial support\b": ("经费", "资金"),
    r"\bbudget": ("预算",),
    r"\bfiscal\b|\bpublic money\b|\bgovernment money\b": ("财政",),
    r"\bindustr(y|ies|ial)\b": ("产业",),
    r"\bemerging\b": ("新兴",),
    r"\bfuture industr": ("未来产业",),
    r"\buniversit(y|ies)\b|\bcolleges?\b": ("高校",),
    r"\bmunicipal universit": ("市属高校",),
    r"\bbasic research\b|\bfundamental research\b": ("基础研究",),
    r"\bapplied research\b": ("应用研究",),
    r"\btalents?\b": ("人才",),
    r"\bresearchers?\b|\bscientific staff\b": ("科研人员",),
    r"\bscientists?\b": ("科学家",),
    r"\byoung\b|\byouth\b": ("青年",),
    r"\bhost (universit|institution|organi[sz]ation|unit|enterprise|compan)": ("依托",),
    r"\bleading group\b": ("领导小组",),
    r"\bexperts?\b": ("专家",),
    r"\bpeer review": ("同行评估",),
    r"\binternational\b": ("国际",),
    r"\bconstruction (period|cycle)\b|\bbuilding cycle\b": ("建设周期",),
    r"\bannual report": ("年度报告",),
    r"\bself[- ]assess|\bself[- ]evaluat": ("自评估",),
    r"\bperformance\b": ("绩效",),
    r"\bgoals?\b|\btargets?\b|\bobjectives?\b": ("目标",),
    r"\bsupervis|\boversight\b": ("监督",),
    r"\bthird[- ]party\b": ("第三方",),
    r"\bscience city\b": ("科学城",),
    r"\benterprises?\b|\bcompan(y|ies)\b|\bfirms?\b|\bbusiness(es)?\b": ("企业",),
    r"\bjoint lab": ("联合实验室",),
    r"\blaborator(y|ies)\b|\blabs?\b": ("实验室",),
    r"\btechnology transfer\b|\bcommerciali[sz]": ("成果转化", "转移转化"),
    r"\bintellectual property\b|\bpatents?\b": ("知识产权",),
    r"\bacademic misconduct\b|\bplagiari": ("学术不端",),
    r"\bintegrity\b": ("诚信",),
    r"\bdisciplines?\b": ("学科",),
    r"\binterdisciplinary\b|\bcross-disciplinary\b": ("交叉",),
    r"\bprojects?\b": ("项目",),
    r"\bkey projects?\b": ("重点项目",),
    r"\bmajor projects?\b": ("重大项目",),
    r"\bgeneral projects?\b": ("一般项目",),
    r"\bforeign(ers)?\b|\boverseas\b": ("外籍", "海外"),
    r"\bpermanent residen": ("永久居留",),
    r"\bequity\b|\bshares?\b": ("入股",),
    r"\bdividends?\b": ("分红",),
    r"\blump[- ]sum\b|\bbaogan\b": ("包干制",),
    r"\blaid out\b|\blayout\b|\bdeploy": ("布局",),
    r"\bplatforms?\b": ("平台",),
    r"\bcooperat|\bcollaborat": ("合作",),
    r"\bachievements?\b|\bresults\b|\boutcomes?\b": ("成果",),
    r"\bevaluat|\bassess": ("评估", "考核"),
    r"\breview\b": ("审核", "评审"),
    r"\bapplications?\b|\bapply\b": ("申报",),
    r"\bresponsib|\bduties\b|\bduty\b": ("职责", "负责"),
    r"\bcent(er|re)s?\b": ("中心",),
    r"\btax(es|ation)?\b": ("税收",),
    r"\bventure capital\b|\binvestment\b": ("投资",),
    r"\bfacilit(y|ies)\b|\bequipment\b|\binstruments?\b": ("设施", "设备"),
}


def english_terms(text: str) -> tuple[str, ...]:
    """Chinese words for the domain vocabulary an English question uses."""
    low = text.lower()
    words: list[str] = []
    for rx, zh in _ENGLISH_TERMS.items():
        if re.search(rx, low):
            words += zh
    return tuple(dict.fromkeys(words))


_ENGLISH_WORD = re.compile(r"[A-Za-z]+")


def fold_plurals(text: str) -> str:
    """English plurals to singulars, keeping the length (the alias table lists
    singular names; offsets of mentions stay valid): centers -> center_,
    laboratories -> laboratory__."""
    def one(m: re.Match[str]) -> str:
        w = m.group(0)
        if len(w) > 4 and w.lower().endswith("ies"):
            return w[:-3] + "y  "
        if len(w) > 3 and w.lower().endswith("s") and not w.lower().endswith(("ss", "us", "is")):
            return w[:-1] + " "
        return w
    return _ENGLISH_WORD.sub(one, text)


# "由谁任命", "是谁牵头成立的": the words after 谁 are what the asked actor does;
# a clause that never says it (or a formal word for it) cannot name that actor.
_WHO_PREDICATE = re.compile(r"(?:由谁|是谁|谁来|谁)([\u4e00-\u9fff]{1,8})")


_WHO_SUBJECT = re.compile(r"([\u4e00-\u9fff]{2,16})(?:是谁|是哪位)(?=[？?。，,！!]|$)")


def asked_role(text: str) -> str:
    """The role a "X是谁" question asks about: the words before a closing 是谁
    after the last 的 (学术委员会主任 in 高精尖中心的学术委员会主任是谁)."""
    m = _WHO_SUBJECT.search(text)
    return re.split(r"的", m.group(1))[-1] if m else ""


def asked_predicate(text: str) -> str:
    """The verb phrase a Chinese "who does X" question asks about ('' if none)."""
    m = _WHO_PREDICATE.search(text)
    if not m:
        return ""
    return re.split(r"的|了|呢|吗", m.group(1))[0]


def formal_words(word: str) -> tuple[str, ...]:
    """A word with its formal equivalents from the colloquial table (拍板 → 审定)."""
    return (word, *_COLLOQUIAL.get(word, ()))


# "多少管理费": what the asked amount is *of*. Words that only say "money",
# "time" or "people" are left out: any amount answers 多少钱.
_ASKED_MEASURE = re.compile(r"多少(?:个|名|位|项|笔|种)?([\u4e00-\u9fff]{2,6}?)(?=[？?，。,！!]|$)")
_GENERIC_MEASURE = frozenset("钱 经费 资金 资助 拨款 补贴 额度 万元 亿元 金额 时间 人员 年 天 个 次".split())


def asked_measure(text: str) -> str:
    """The noun a "多少X" question asks an amount of ('' when generic or absent)."""
    m = _ASKED_MEASURE.search(text)
    return "" if not m or m.group(1) in _GENERIC_MEASURE else m.group(1)


ENTITY_KINDS_FOR_SCOPE = ("PlatformType", "Platform")
"""Kinds whose mention sets the *scope* of a rule (whose rule it is). Programs
are left out: a clause under a heading naming 双一流 is not a 双一流 rule."""


@dataclass(frozen=True)
class QueryAnalysis:
    """Everything ranking and answering need to know about one question."""

    text: str
    intents: tuple[str, ...]
    answer_type: str | None
    mentions: tuple[Mention, ...] = ()
    actions: tuple[str, ...] = ()
    english: bool = False
    entity_ids: tuple[str, ...] = field(default=())

    @property
    def intent(self) -> str:
        return self.intents[0] if self.intents else "fact"

    def scope_ids(self) -> tuple[str, ...]:
        """The platform types / centers the question is about."""
        return tuple(dict.fromkeys(m.entity_id for m in self.mentions if m.kind in ENTITY_KINDS_FOR_SCOPE))

    def expansion(self, table: AliasTable) -> list[str]:
        """Chinese words to add to the lexical query: canonical names of the linked
        entities (so 高精尖中心 and an English name both meet 高精尖创新中心),
        for English questions the Chinese action verbs, and the formal words
        for colloquial ones."""
        words = [m.name for m in self.mentions]
        if self.english:
            words += list(self.actions)
            words += list(english_terms(self.text))
        for colloquial, formal in _COLLOQUIAL.items():
            if colloquial in self.text:
                words += formal
        return list(dict.fromkeys(words))


def is_english(text: str) -> bool:
    """Mostly Latin letters: the question needs the alias table to meet the corpus."""
    latin = sum(ch.isascii() and ch.isalpha() for ch in text)
    cjk = sum("\u4e00" <= ch <= "\u9fff" for ch in text)
    return latin > 2 * cjk


def detect_intents(text: str) -> tuple[str, ...]:
    """Intents whose cues occur, strongest first; ``("fact",)`` when none do."""
    low = text.lower()
    found: list[tuple[int, int, str]] = []
    for order, name in enumerate(INTENTS[:-1]):
        zh, en = _INTENT_CUES[name]
        hits = len(re.findall(zh, text)) + len(re.findall(en, low))
        if hits:
            found.append((-hits, order, name))
    return tuple(name for _, _, name in sorted(found)) or ("fact",)


def detect_answer_type(text: str) -> str | None:
    """The kind of value the question asks for, if it asks for a value at all."""
    low = text.lower()
    for name, (cue, _) in _ANSWER_TYPES.items():
        if re.search(cue, low):
            return name
    return None


def satisfies_answer_type(answer_type: str | None, clause_text: str) -> bool:
    """Whether a clause contains a value of the expected type (True when none is expected)."""
    if answer_type is None:
        return True
    return re.search(_ANSWER_TYPES[answer_type][1], clause_text) is not None


def detect_actions(text: str) -> tuple[str, ...]:
    low = text.lower()
    return tuple(a for a, (zh, en) in _ACTIONS.items() if re.search(zh, text) or re.search(en, low))


_COMPILED_FEATURES = [(f"act:{a}", re.compile(zh)) for a, (zh, _) in _ACTIONS.items()] + \
    [(f"type:{t}", re.compile(sat)) for t, (_, sat) in _ANSWER_TYPES.items()]


def text_features(text: str) -> frozenset[str]:
    """Which actions (``act:报送``) a clause names and which value types (``type:date``)
    it holds: computed once per clause at load, so ranking needs no regex per query."""
    return frozenset(name for name, rx in _COMPILED_FEATURES if rx.search(text))


def action_regex(action: str) -> str:
    """The Chinese surface regex of a canonical action (for matching clauses)."""
    return _ACTIONS[action][0]


_TYPE_INTENT = {"money": "funding", "percent": "funding", "date": "deadline", "year": "deadline",
                "duration": "deadline", "time": "deadline", "recipient": "obligation"}


def analyze(question: str, table: AliasTable | None = None) -> QueryAnalysis:
    """Link entities and actions, detect intent and expected answer type.

    An expected value decides the intent (a question asking for an amount is
    about funding even if it also says 每年).
    """
    table = table or load_aliases()
    english = is_english(question)
    mentions = tuple(table.find_mentions(fold_plurals(question) if english else question))
    answer_type = detect_answer_type(question)
    intents = detect_intents(question)
    lead = _TYPE_INTENT.get(answer_type or "")
    if lead:
        intents = (lead, *(i for i in intents if i not in (lead, "fact")))
    return QueryAnalysis(
        text=question,
        intents=intents,
        answer_type=answer_type,
        mentions=mentions,
        actions=detect_actions(question),
        english=english,
        entity_ids=tuple(dict.fromkeys(m.entity_id for m in mentions)),
    )


@lru_cache(maxsize=1)
def domain_words() -> tuple[str, ...]:
    """Chinese surface forms of the alias table: the jieba user dictionary."""
    return tuple(s for s in load_aliases().surface_forms(chinese_only=True) if " " not in s)
