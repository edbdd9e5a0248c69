/* policykg page: plain JS over the JSON API only (no framework, nothing from a CDN).
 * Views are addressed by the URL hash (#ask?q=…, #checklist?platform_type=…&role=…,
 * #entity?name=…, #overlap?by=…, #docs?doc=…) so every answer has a link; the date controls ride along
 * in every view's address (…&as_of=2016-06-01&all_versions=true). */
"use strict";

const I18N = {
  zh: {
    title: "北京科技政策规则查询", tab_ask: "问答", tab_checklist: "义务清单", tab_entity: "实体",
    tab_overlap: "重叠矩阵", tab_docs: "文档", ask_placeholder: "例如：高精尖中心多久要组织一次国际同行评估？",
    ask_button: "提问", cited: "引用条款", platform_type: "平台类型", role: "角色", all_roles: "全部",
    show: "查看", download_csv: "下载 CSV", download_ics: "下载日历 (.ics)", col_actor: "责任主体",
    col_modality: "效力", col_action: "事项", col_recipient: "报送/接收方", col_deadline: "时限",
    col_sanction: "未履行后果", col_source: "出处", entity_placeholder: "名称或别称，如 高精尖中心、市教委、某中心全称",
    lookup: "查找", overlap_by: "维度", by_platform_type: "平台类型", by_field: "领域", by_agency: "机构",
    by_mechanism: "机制", by_program: "计划/项目", by_role: "角色", by_policy_tool: "政策工具",
    footer: "每个答案都引用原文条款（文档、章节路径、字符位置）。数据仅来自已导入的政策文件。",
    loading: "查询中…", abstained: "未找到适用的规则：已导入的文件对此没有规定。", no_obligations: "没有找到义务。",
    n_obligations: (n) => `共 ${n} 项义务`, neighbours: "关联节点", aliases: "别称", applies_via: "通过类型适用",
    mentioned_in: "出现于条款", rules_here: "适用规则", conflicts: "冲突与差异", no_conflicts: "未发现冲突。",
    clauses_of: (item, doc) => `“${item}” 在文档 ${doc} 中的条款`, documents: "文档", clauses: "条款",
    more: (n) => `另有 ${n} 个未显示`, kinds: { obligation: "义务", deadline: "时限", funding: "经费", sanction: "处理", condition: "条件", fact: "事实" },
    modality: { must: "必须", should: "应当", may: "可以", "must-not": "不得" }, score: "得分", offsets: "位置",
    related: "最相关的条款（不足以回答）", no_rules: "没有直接适用于它的规则。",
    fields: { actor: "主体", action: "行为", object: "对象", recipient: "报送/接收方", deadline: "时限", sanction: "后果",
      modality: "效力", phrase: "时间表述", normalized: "规范化", subject: "事项", funder: "出资方", amount_min: "最低金额（元）",
      amount_max: "最高金额（元）", purpose: "用途", trigger: "情形", effect: "处理", condition_type: "条件类型", applies_to: "适用于" },
    upload_heading: "上传文件", upload_drop: "把文件拖放到这里，或选择文件：.txt（任何常见中文编码）、.html、.docx、.pdf",
    upload_file: "文件", upload_id: "编号（可选）", upload_id_placeholder: "留空则自动生成", upload_title: "标题（可选）",
    upload_title_placeholder: "留空则从正文读取", upload_key: "API 密钥", upload_preview: "预览", upload_commit: "提交",
    upload_cancel: "取消", upload_no_file: "请先选择或拖入一个文件。", upload_reading: (name) => `正在读取 ${name}…`,
    upload_review: (id, title) => `待审核：${id} ${title}`, upload_add: (id) => `提交将新增文档 ${id}。`,
    upload_replace: (id) => `文档 ${id} 已存在：提交将替换它。`, upload_counts: (c, f) => `${c} 个条款，${f} 项抽取结果`,
    upload_committing: "正在提交并重新导入（约需半分钟）…", upload_cancelled: "已取消，未写入任何内容。",
    upload_done: (r) => `已${r.action === "replaced" ? "替换" : "新增"}文档 ${r.doc_id}：${r.clauses} 个条款；语料库现有 ${r.documents} 个文档（用时 ${r.seconds} 秒）。`,
    upload_open: "查看该文档的条款", upload_changed: "编号或标题已更改，正在重新预览…", no_facts: "没有抽取到结果。",
    meta: { doc_id: "编号", title: "标题", doc_no: "文号", issuers: "发文机关", kind: "类型", year: "年份", status: "状态",
      issued: "发布日期", effective: "施行日期", scope: "适用范围", source_format: "格式", encoding: "编码", inferred: "从正文推断" },
    http_errors: { 400: "文件无法读取", 401: "API 密钥缺失或无效", 404: "文档不存在", 409: "编号已被占用", 413: "文件太大",
      415: "不支持的文件格式", 422: "输入无效", 503: "服务暂不可用", 507: "磁盘已满，未写入任何内容" },
    dating_legend: "适用日期", as_of: "截至日期", today: "今天", as_of_hint: "留空即今天", all_versions: "显示全部版本",
    standing: { draft: "草案", expired: "已失效", repealed: "已废止", superseded: "已被替代", not_yet_in_force: "尚未施行", in_force: "现行有效" },
    valid_range: (from, to) => `有效期：${from || "未定"} 至 ${to || "无终止日期"}`, status_on: (date) => `（截至 ${date}）`,
    left_out: "未列入：", left_out_items: (n) => `${n} 项`, left_out_hint: "勾选“显示全部版本”可一并列出。",
    relations_n: (n) => `关联文件（${n}）`, not_in_corpus: "（未收录）",
    relations: { REPEALS: "废止", SUPERSEDES: "代替", AMENDS: "修改", BASED_ON: "依据", CITES: "引用" },
    ended_by: (e) => `被《${e.title}》（${e.doc_id}）${e.relation === "REPEALS" ? "废止" : "代替"}${e.from ? `，自 ${e.from} 起` : ""}`,
  },
  en: {
    title: "Beijing S&T policy rules", tab_ask: "Ask", tab_checklist: "Checklist", tab_entity: "Entity",
    tab_overlap: "Overlap", tab_docs: "Documents", ask_placeholder: "e.g. How often must an Advanced Innovation Center hold an international peer review?",
    ask_button: "Ask", cited: "Cited clauses", platform_type: "Platform type", role: "Role", all_roles: "all",
    show: "Show", download_csv: "Download CSV", download_ics: "Download calendar (.ics)", col_actor: "Actor",
    col_modality: "Force", col_action: "Duty", col_recipient: "Recipient", col_deadline: "When",
    col_sanction: "If missed", col_source: "Source", entity_placeholder: "A name or alias, e.g. 高精尖中心, 市教委, a center's full name",
    lookup: "Look up", overlap_by: "By", by_platform_type: "platform type", by_field: "field", by_agency: "agency",
    by_mechanism: "mechanism", by_program: "program", by_role: "role", by_policy_tool: "policy tool",
    footer: "Every answer cites the source clause (document, section path, character offsets). Only the ingested policy documents are used.",
    loading: "Searching…", abstained: "No applicable rule found: the ingested documents are silent on this.", no_obligations: "No obligations found.",
    n_obligations: (n) => `${n} obligations`, neighbours: "Neighbours", aliases: "Aliases", applies_via: "Applies via type",
    mentioned_in: "Mentioned in", rules_here: "Rules that apply", conflicts: "Conflicts and divergences", no_conflicts: "No conflicts found.",
    clauses_of: (item, doc) => `Clauses of document ${doc} on “${item}”`, documents: "Documents", clauses: "clauses",
    more: (n) => `${n} more not shown`, kinds: { obligation: "obligation", deadline: "deadline", funding: "funding", sanction: "sanction", condition: "condition", fact: "fact" },
    modality: { must: "must", should: "should", may: "may", "must-not": "must not" }, score: "score", offsets: "offsets",
    related: "Closest clauses (not enough to answer)", no_rules: "No rule applies to it directly.",
    fields: { actor: "actor", action: "action", object: "object", recipient: "recipient", deadline: "when", sanction: "if missed",
      modality: "force", phrase: "phrase", normalized: "normalized", subject: "about", funder: "funder", amount_min: "at least (CNY)",
      amount_max: "at most (CNY)", purpose: "purpose", trigger: "if", effect: "then", condition_type: "condition", applies_to: "applies to" },
    upload_heading: "Add a document", upload_drop: "Drop a file here, or choose one: .txt (any common Chinese encoding), .html, .docx, .pdf",
    upload_file: "File", upload_id: "Id (optional)", upload_id_placeholder: "generated when empty", upload_title: "Title (optional)",
    upload_title_placeholder: "read from the text when empty", upload_key: "API key", upload_preview: "Preview", upload_commit: "Commit",
    upload_cancel: "Cancel", upload_no_file: "Choose or drop a file first.", upload_reading: (name) => `Reading ${name}…`,
    upload_review: (id, title) => `For review: ${id} ${title}`, upload_add: (id) => `Committing adds document ${id}.`,
    upload_replace: (id) => `Document ${id} exists: committing replaces it.`, upload_counts: (c, f) => `${c} clauses, ${f} extracted facts`,
    upload_committing: "Committing and re-ingesting (about half a minute)…", upload_cancelled: "Cancelled; nothing was written.",
    upload_done: (r) => `Document ${r.doc_id} ${r.action}: ${r.clauses} clauses; the corpus now has ${r.documents} documents (${r.seconds} s).`,
    upload_open: "Show its clauses", upload_changed: "Id or title changed: previewing again…", no_facts: "Nothing extracted.",
    meta: { doc_id: "id", title: "title", doc_no: "document no.", issuers: "issuers", kind: "kind", year: "year", status: "status",
      issued: "issued", effective: "effective", scope: "scope", source_format: "format", encoding: "encoding", inferred: "read from the text" },
    http_errors: { 400: "The file cannot be read", 401: "The API key is missing or wrong", 404: "No such document", 409: "The id is taken",
      413: "The file is too large", 415: "Unsupported file format", 422: "Invalid input", 503: "The service is unavailable",
      507: "The disk is full; nothing was written" },
    dating_legend: "Date of application", as_of: "As of", today: "Today", as_of_hint: "empty = today", all_versions: "All versions",
    standing: { draft: "draft", expired: "expired", repealed: "repealed", superseded: "superseded", not_yet_in_force: "not yet in force",
      in_force: "in force" },
    valid_range: (from, to) => `valid ${from || "(no start date)"} to ${to || "(no end date)"}`, status_on: (date) => `(as of ${date})`,
    left_out: "Left out: ", left_out_items: (n) => `${n} item${n === 1 ? "" : "s"}`, left_out_hint: "Tick “All versions” to list them too.",
    relations_n: (n) => `Related documents (${n})`, not_in_corpus: "(not in the corpus)",
    relations: { REPEALS: "repeals", SUPERSEDES: "supersedes", AMENDS: "amends", BASED_ON: "based on", CITES: "cites" },
    ended_by: (e) => `${e.relation === "REPEALS" ? "repealed" : "superseded"} by 《${e.title}》 (${e.doc_id})${e.from ? ` from ${e.from}` : ""}`,
  },
};
let lang = localStorage.getItem("policykg.lang") || "zh";
const t = (key, ...args) => { const v = I18N[lang][key] ?? I18N.zh[key] ?? key; return typeof v === "function" ? v(...args) : v; };

/* ---------- helpers ---------- */
const $ = (sel) => document.querySelector(sel);
function el(tag, attrs = {}, ...children) {
  const node = document.createElementNS(tag.startsWith("svg:") ? "http://www.w3.org/2000/svg" : "http://www.w3.org/1999/xhtml",
    tag.replace(/^svg:/, ""));
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k === "class") node.setAttribute("class", v);
    else if (k.startsWith("on")) node.addEventListener(k.slice(2), v);
    else node.setAttribute(k, v === true ? "" : v);
  }
  for (const c of children.flat()) if (c !== null && c !== undefined && c !== false) node.append(c instanceof Node ? c : String(c));
  return node;
}
async function api(path, init = {}) {
  const res = await fetch(path, { ...init, headers: { Accept: "application/json", ...(init.headers || {}) } });
  let body = null;
  try { body = await res.json(); } catch (_) { /* not JSON */ }
  if (!res.ok) {
    const e = (body && body.error) || {};
    const err = new Error([e.message || `HTTP ${res.status}`, e.hint].filter(Boolean).join(" — "));
    err.status = res.status;
    throw err;
  }
  return body;
}
function status(id, text, isError = false) {
  const node = $(id);
  node.textContent = text || "";
  node.classList.toggle("error", Boolean(isError && text));
}
const qs = (params) => new URLSearchParams(Object.entries(params).filter(([, v]) => v !== undefined && v !== null && v !== "")).toString();

/* ---------- as of a date: the header's date picker and 显示全部版本 ---------- */
const asOf = () => $("#as-of").value; /* "" = today (the API's default) */
const allVersions = () => $("#all-versions").checked;
/* The query of a dated read route (/search, /ask, /obligations, /deadlines, /entities, /overlap). */
const dq = (params = {}) => qs({ ...params, as_of: asOf(), all_versions: String(allVersions()) });
/* A view's address: its own parameters, then the date controls (as_of when set, all_versions when ticked). */
const hashFor = (view, params = {}) => `#${view}?${qs({ ...params, as_of: asOf(), all_versions: allVersions() ? "true" : "" })}`;
function readDating(p) {
  $("#as-of").value = p.get("as_of") || "";
  $("#all-versions").checked = p.get("all_versions") === "true";
}
/* The date controls changed: show the current view again under them. */
function redate() {
  const [view, query] = location.hash.replace(/^#/, "").split("?");
  const params = Object.fromEntries(new URLSearchParams(query || ""));
  delete params.as_of;
  delete params.all_versions;
  go(view || "ask", params);
}
function statusBadge(status, title) {
  return el("span", { class: `badge standing ${status}`, "data-status": status, title }, t("standing")[status] || status);
}
/* The badge of an item whose source is not in force on the date asked (none when it is). */
function standingBadge(item) {
  if (!item || item.in_force !== false) return null;
  return statusBadge(item.doc_status, t("valid_range", item.valid_from, item.valid_to));
}
/* What a checklist left out ("未列入：…"), as a list of zero or one node. */
function leftOutNote(data) {
  const rows = data.left_out || [];
  if (!rows.length) return [];
  return [el("div", { class: "left-out", role: "note" },
    el("strong", {}, t("left_out")),
    el("ul", {}, rows.map((r) => el("li", { "data-doc": r.doc_id },
      `${r.doc_id} 《${r.title}》 `, statusBadge(r.doc_status), ` ${r.reason} · ${t("left_out_items", r.items)}`))),
    el("p", { class: "fields" }, t("left_out_hint")))];
}

/* The answering span inside a clause, as [from, to) into rule.text.
 * The search service may name it (answer_span / span offsets into the source file);
 * else the sentence of the clause sharing most character pairs with the question. */
function answerSpan(rule, question) {
  const text = rule.text || "";
  const absolute = (s, e) => (Number.isInteger(s) && Number.isInteger(e) && s >= rule.start && e <= rule.end && e > s)
    ? [s - rule.start, e - rule.start] : null;
  const span = rule.span || rule.answer_span || rule.highlight;
  if (span && typeof span === "object" && !Array.isArray(span)) {
    const r = absolute(span.start, span.end);
    if (r) return r;
  }
  if (Array.isArray(span) && span.length === 2) { const r = absolute(span[0], span[1]); if (r) return r; }
  for (const [s, e] of [["span_start", "span_end"], ["answer_start", "answer_end"], ["phrase_start", "phrase_end"]]) {
    const r = absolute(rule[s], rule[e]); if (r) return r;
  }
  for (const key of ["span_text", "answer_text", "phrase", "deadline_phrase"]) {
    const s = typeof rule[key] === "string" ? rule[key] : (span && typeof span.text === "string" ? span.text : "");
    const at = s ? text.indexOf(s) : -1;
    if (at >= 0 && s.length < text.length) return [at, at + s.length];
  }
  return bestSentence(text, question || "");
}
function bestSentence(text, question) {
  const pairs = new Set();
  const q = question.replace(/\s+/g, "");
  for (let i = 0; i + 1 < q.length; i++) pairs.add(q.slice(i, i + 2));
  let best = null, bestScore = 0;
  const re = /[^。；;！？!?]+[。；;！？!?]?/g;
  let m;
  while ((m = re.exec(text)) !== null) {
    const sentence = m[0];
    let score = 0;
    for (let i = 0; i + 1 < sentence.length; i++) if (pairs.has(sentence.slice(i, i + 2))) score++;
    if (score > bestScore) { bestScore = score; best = [m.index, m.index + sentence.length]; }
  }
  return best;
}
function highlighted(text, span) {
  if (!span) return el("p", { class: "text" }, text);
  const [s, e] = span;
  return el("p", { class: "text" }, text.slice(0, s), el("mark", {}, text.slice(s, e)), text.slice(e));
}
function pathNode(path) {
  return el("div", { class: "path" }, (path || []).map((p) => el("span", {}, p)));
}
function clauseCard(rule, question, extra = []) {
  const kind = rule.kind && I18N[lang].kinds[rule.kind] ? rule.kind : null;
  return el("li", { class: "card", "data-clause": rule.clause_id },
    el("div", { class: "meta" },
      kind ? el("span", { class: `badge ${kind}` }, t("kinds")[kind]) : null,
      standingBadge(rule),
      el("span", {}, `${rule.doc_id} ${rule.doc_title || ""}`),
      el("span", { title: t("offsets") }, `${rule.clause_id} [${rule.start}, ${rule.end})`),
      typeof rule.score === "number" ? el("span", {}, `${t("score")} ${rule.score.toFixed(3)}`) : null),
    pathNode(rule.path),
    highlighted(rule.text || "", answerSpan(rule, question)),
    extra);
}
const MODALITY_CLASS = { must: "modality-must", "must-not": "modality-must" };
function when(normalized, phrase, before) {
  const zh = lang === "zh";
  let m = /^R\/P(\d+)([YM])$/.exec(normalized || "");
  let human = normalized || "";
  if (m) human = zh ? `每${m[1] === "1" ? "" : m[1]}${m[2] === "Y" ? "年" : "个月"}` : `every ${m[1] === "1" ? "" : m[1] + " "}${m[2] === "Y" ? "year" : "month"}${m[1] === "1" ? "" : "s"}`;
  else if ((m = /^P(\d+)Y$/.exec(normalized || ""))) human = zh ? `${m[1]}年` : `${m[1]} years`;
  else human = ({ "mid-cycle": zh ? "周期中期" : "mid-cycle", "end of cycle": zh ? "周期末" : "end of cycle",
    "R/cycle": zh ? "每个周期" : "once per cycle", "on publication": zh ? "发布即施行" : "on publication" })[normalized] || human;
  const due = before ? (zh ? `（${before.replace(/^--/, "")}前）` : ` (before ${before.replace(/^--/, "")})`) : "";
  return [phrase, human && human !== phrase ? `· ${human}${due}` : due].filter(Boolean).join(" ");
}
function fieldText(v) {
  if (v === null || v === undefined) return "";
  if (Array.isArray(v)) return v.map(fieldText).filter(Boolean).join("；");
  if (typeof v === "object") return v.effect || v.phrase || v.name || v.text || JSON.stringify(v);
  return String(v);
}

/* ---------- ask ---------- */
async function runAsk(q) {
  $("#ask-q").value = q;
  const rules = $("#ask-rules");
  rules.replaceChildren();
  $("#ask-answer").hidden = true;
  $("#ask-rules-title").hidden = true;
  if (!q.trim()) return;
  status("#ask-status", t("loading"));
  try {
    const data = await api(`/ask?${dq({ q })}`);
    status("#ask-status", "");
    const ans = $("#ask-answer");
    ans.hidden = false;
    ans.classList.toggle("abstained", data.abstained);
    ans.textContent = data.abstained ? (data.answer || t("abstained")) : data.answer;
    const cited = data.rules.length ? data.rules : (data.related || []);
    $("#ask-rules-title").hidden = !cited.length;
    $("#ask-rules-title").textContent = data.rules.length ? t("cited") : t("related");
    for (const r of cited) {
      const extra = [];
      const f = ["actor", "action", "object", "recipient", "deadline", "sanction"]
        .filter((k) => r[k]).map((k) => `${t("fields")[k]}: ${fieldText(r[k])}`);
      if (f.length) extra.push(el("div", { class: "fields" }, f.join(" · ")));
      rules.append(clauseCard(r, q, extra));
    }
  } catch (err) { status("#ask-status", err.message, true); }
}

/* ---------- checklist ---------- */
const DEFAULT_TYPES = ["高精尖创新中心", "北京实验室", "北京市技术创新中心", "国家技术创新中心", "北京研究中心", "北京人文社会科学研究中心"];
const DEFAULT_ROLES = ["依托高校", "高精尖创新中心", "市教委", "市财政局", "市科委", "领导小组"];
let optionsLoaded = false;
async function loadChecklistOptions() {
  if (optionsLoaded) return;
  optionsLoaded = true;
  let types = DEFAULT_TYPES, roles = DEFAULT_ROLES;
  try { const ov = await api(`/overlap?${dq({ by: "platform_type" })}`); const k = Object.keys(ov.matrix); if (k.length) types = [...new Set([...DEFAULT_TYPES.filter((x) => k.includes(x)), ...k])]; } catch (_) { /* keep defaults */ }
  try { const ov = await api(`/overlap?${dq({ by: "role" })}`); const k = Object.keys(ov.matrix); if (k.length) roles = [...new Set([...DEFAULT_ROLES, ...k])]; } catch (_) { /* keep defaults */ }
  $("#cl-pt").replaceChildren(...types.map((x) => el("option", { value: x }, x)));
  $("#cl-role").replaceChildren(el("option", { value: "", "data-i18n": "all_roles" }, t("all_roles")), ...roles.map((x) => el("option", { value: x }, x)));
}
async function runChecklist(pt, role) {
  await loadChecklistOptions();
  if (pt) { if (![...$("#cl-pt").options].some((o) => o.value === pt)) $("#cl-pt").append(el("option", { value: pt }, pt)); $("#cl-pt").value = pt; }
  if (role !== undefined) { if (role && ![...$("#cl-role").options].some((o) => o.value === role)) $("#cl-role").append(el("option", { value: role }, role)); $("#cl-role").value = role || ""; }
  pt = $("#cl-pt").value; role = $("#cl-role").value;
  const params = { platform_type: pt, role };
  $("#cl-csv").href = `/obligations?${dq({ ...params, format: "csv" })}`;
  $("#cl-ics").href = `/obligations?${dq({ ...params, format: "ics" })}`;
  const body = $("#cl-table tbody");
  body.replaceChildren();
  $("#cl-left-out").replaceChildren();
  $("#cl-table").hidden = true;
  status("#cl-status", t("loading"));
  try {
    const data = await api(`/obligations?${dq(params)}`);
    const n = data.obligations.length;
    status("#cl-status", `${n ? t("n_obligations", n) : t("no_obligations")} ${t("status_on", data.as_of)}`);
    body.append(...data.obligations.map(obligationRow));
    $("#cl-table").hidden = !n;
    $("#cl-left-out").replaceChildren(...leftOutNote(data));
  } catch (err) { status("#cl-status", err.message, true); }
}
function obligationRow(o, i) {
  return el("tr", { "data-clause": o.clause_id, "data-doc": o.doc_id, class: o.in_force === false ? "not-in-force" : null },
    el("td", {}, i + 1),
    el("td", {}, fieldText(o.actor)),
    el("td", { class: MODALITY_CLASS[o.modality] || "" }, t("modality")[o.modality] || fieldText(o.modality)),
    el("td", {}, [fieldText(o.action), fieldText(o.object)].filter(Boolean).join(" "), o.condition ? el("div", { class: "fields" }, fieldText(o.condition)) : null),
    el("td", {}, fieldText(o.recipient) || (o.route && o.route.length ? o.route.join(" → ") : "")),
    el("td", {}, o.deadline ? when(o.deadline, o.deadline_phrase, o.due_before) : ""),
    el("td", {}, fieldText(o.sanction)),
    el("td", {}, standingBadge(o), el("details", {}, el("summary", {}, `${o.doc_id} · ${o.clause_id}`),
      pathNode(o.path), highlighted(o.text || "", null))));
}

/* ---------- entity ---------- */
const LABEL_COLOURS = { PlatformType: "#b3261e", Platform: "#e07b39", Organization: "#1f5fbf", Role: "#3a7d44", Program: "#7b4bb7",
  Field: "#1b8a8a", Mechanism: "#a0702a", Document: "#555", Place: "#8a8f1b" };
function drawNeighbourhood(svg, centre, neighbours) {
  const W = svg.clientWidth || 1000, H = 560, cx = W / 2, cy = H / 2, MAX = 36;
  svg.setAttribute("viewBox", `0 0 ${W} ${H}`);
  svg.replaceChildren();
  const shown = neighbours.slice(0, MAX);
  const rings = shown.length > 18 ? [Math.min(W, H) * 0.27, Math.min(W, H) * 0.44] : [Math.min(W, H) * 0.38];
  const nodes = shown.map((n, i) => {
    const ring = rings.length === 2 ? i % 2 : 0;
    const angle = (2 * Math.PI * i) / shown.length - Math.PI / 2;
    const r = rings[ring];
    return { ...n, x: cx + r * Math.cos(angle) * (W > H ? 1.6 : 1), y: cy + r * Math.sin(angle) };
  });
  const edges = el("svg:g", {}), labels = el("svg:g", {}), dots = el("svg:g", {});
  for (const n of nodes) {
    edges.append(el("svg:line", { class: "edge", x1: cx, y1: cy, x2: n.x, y2: n.y }));
    labels.append(el("svg:text", { class: "edge-label", x: (cx + n.x) / 2, y: (cy + n.y) / 2, "text-anchor": "middle" },
      n.direction === "in" ? `← ${n.relation}` : `${n.relation} →`));
    const name = (n.name || n.id || "").length > 14 ? `${(n.name || n.id).slice(0, 13)}…` : (n.name || n.id);
    dots.append(el("svg:g", { class: "node", "data-name": n.name, onclick: () => go("entity", { name: n.name }) },
      el("svg:title", {}, `${n.label}: ${n.name}`),
      el("svg:circle", { cx: n.x, cy: n.y, r: 7, fill: LABEL_COLOURS[n.label] || "#888" }),
      el("svg:text", { x: n.x, y: n.y - 11, "text-anchor": "middle" }, name)));
  }
  dots.append(el("svg:g", { class: "node centre" },
    el("svg:circle", { cx, cy, r: 13, fill: LABEL_COLOURS[centre.label] || "#333" }),
    el("svg:text", { x: cx, y: cy + 30, "text-anchor": "middle", "font-weight": "bold" }, centre.name || centre.id)));
  if (neighbours.length > MAX) dots.append(el("svg:text", { x: 10, y: H - 10 }, t("more", neighbours.length - MAX)));
  svg.append(edges, labels, dots);
}
async function runEntity(name) {
  $("#entity-name").value = name;
  $("#entity-info").replaceChildren();
  $("#entity-rules").replaceChildren();
  $("#entity-graph-box").hidden = true;
  if (!name.trim()) return;
  status("#entity-status", t("loading"));
  try {
    const data = await api(`/entities/${encodeURIComponent(name)}?${dq()}`);
    status("#entity-status", "");
    const e = data.entity || {};
    $("#entity-info").append(el("h2", {}, e.name || name, " ", el("span", { class: "badge" }, e.label || "")),
      el("dl", { class: "kv" },
        (e.aliases || []).length ? [el("dt", {}, t("aliases")), el("dd", {}, [...(e.aliases || []), ...(e.english || [])].join("、"))] : null,
        data.applies_via ? [el("dt", {}, t("applies_via")), el("dd", {}, el("a", { class: "link", href: hashFor("entity", { name: data.applies_via }) }, data.applies_via))] : null,
        (data.documents || []).length ? [el("dt", {}, t("documents")), el("dd", {}, data.documents.join(", "))] : null));
    const svg = $("#entity-graph");
    $("#entity-graph-box").hidden = false;
    drawNeighbourhood(svg, e, data.neighbours || []);
    const applies = data.applies || {};
    const box = $("#entity-rules");
    box.append(el("h3", {}, t("rules_here")));
    if (!Object.values(applies).some((rows) => rows.length)) box.append(el("p", { class: "status" }, t("no_rules")));
    for (const [kind, rows] of Object.entries(applies)) {
      if (!rows.length) continue;
      box.append(el("details", {}, el("summary", {}, `${kind} (${rows.length})`),
        el("ol", { class: "cards" }, rows.slice(0, 50).map((r) => clauseCard(r, "")))));
    }
    box.append(...leftOutNote(data));
  } catch (err) { status("#entity-status", err.message, true); }
}

/* ---------- overlap ---------- */
let overlapData = null;
async function runOverlap(by) {
  $("#ov-by").value = by;
  const box = $("#ov-matrix");
  box.replaceChildren(); $("#ov-conflicts").replaceChildren(); $("#ov-cell").replaceChildren();
  status("#ov-status", t("loading"));
  try {
    const data = await api(`/overlap?${dq({ by })}`);
    const docs = data.documents || (await api("/documents")).documents;
    overlapData = data;
    status("#ov-status", "");
    const cols = docs.map((d) => d.doc_id);
    const titles = Object.fromEntries(docs.map((d) => [d.doc_id, docHeading(d)]));
    const ended = new Set(docs.filter((d) => d.in_force === false).map((d) => d.doc_id));
    const cells = data.cells || {};
    const count = (item, doc) => ((cells[item] || {})[doc] || []).length || ((data.matrix[item] || []).includes(doc) ? 1 : 0);
    const max = Math.max(1, ...Object.keys(data.matrix).flatMap((item) => cols.map((c) => count(item, c))));
    const rows = Object.entries(data.matrix).sort((a, b) => b[1].length - a[1].length || a[0].localeCompare(b[0]));
    const table = el("table", {}, el("thead", {}, el("tr", {}, el("th", {}, ""), cols.map((c) => el("th", { title: titles[c], class: ended.has(c) ? "not-in-force" : null }, c)))));
    const tbody = el("tbody");
    for (const [item, inDocs] of rows) {
      tbody.append(el("tr", {}, el("th", { class: "row" }, el("a", { class: "link", href: hashFor("entity", { name: item }) }, item)),
        cols.map((c) => {
          const n = count(item, c);
          return inDocs.includes(c)
            ? el("td", { class: "cell", title: `${item} · ${titles[c]} · ${n}`, "data-item": item, "data-doc": c,
              style: `background: rgba(179,38,30,${(0.15 + 0.85 * n / max).toFixed(2)})`, onclick: () => showCell(item, c) }, n)
            : el("td", { class: "cell empty" }, "");
        })));
    }
    table.append(tbody);
    box.append(table);
    const conflicts = $("#ov-conflicts");
    const list = data.conflicts || [];
    conflicts.append(el("h3", {}, `${t("conflicts")} (${list.length})`));
    if (!list.length) conflicts.append(el("p", { class: "status" }, t("no_conflicts")));
    for (const c of list) {
      const values = Object.entries(c.values || {}).map(([d, v]) => `${d}: ${fieldText(v)}`).join(" ≠ ");
      conflicts.append(el("details", { class: "card" },
        el("summary", {}, el("strong", {}, fieldText(lang === "en" && c.about_en ? c.about_en : c.about)), values ? `  ${values}` : ""),
        el("ol", { class: "cards" }, (c.sides || []).map((side) => clauseCard({ ...side, start: side.start ?? 0, end: side.end ?? 0,
          phrase: (side.phrases || [])[0] }, "")))));
    }
  } catch (err) { status("#ov-status", err.message, true); }
}
/* A document's title for the matrix header, with its standing when not in force. */
function docHeading(d) {
  return d.in_force === false ? `${d.title} · ${t("standing")[d.doc_status]} · ${t("valid_range", d.valid_from, d.valid_to)}` : d.title;
}
/* The standing of an overlap document, for the clauses of a cell. */
function docStanding(docId) {
  const d = ((overlapData && overlapData.documents) || []).find((x) => x.doc_id === docId) || {};
  return { doc_status: d.doc_status, in_force: d.in_force, valid_from: d.valid_from, valid_to: d.valid_to };
}
function termSpan(text, term) {
  const at = term ? text.indexOf(term) : -1;
  return at >= 0 ? [at, at + term.length] : null;
}
async function showCell(item, doc) {
  const box = $("#ov-cell");
  box.replaceChildren(el("h3", {}, t("clauses_of", item, doc)));
  try {
    let ids = ((overlapData && overlapData.cells && overlapData.cells[item]) || {})[doc];
    if (!ids) ids = ((await api(`/entities/${encodeURIComponent(item)}?${dq()}`)).mentioned_in || []).filter((id) => id.startsWith(`${doc}:`));
    const clauses = await Promise.all(ids.slice(0, 30).map((id) => api(`/clauses/${encodeURIComponent(id)}`)));
    box.append(el("ol", { class: "cards" }, clauses.map((c) => {
      const card = clauseCard({ ...c, ...docStanding(c.doc_id) }, "");
      card.querySelector("p.text").replaceWith(highlighted(c.text, termSpan(c.text, item)));
      return card;
    })));
    box.scrollIntoView({ behavior: "smooth", block: "start" });
  } catch (err) { box.append(el("p", { class: "status error" }, err.message)); }
}

/* ---------- documents ---------- */
function relationItem(r) {
  const title = `《${r.title}》${r.doc_no ? ` ${r.doc_no}` : ""}`;
  return el("li", { "data-relation": r.relation }, `${t("relations")[r.relation] || r.relation} `,
    r.doc_id ? el("a", { class: "link", href: hashFor("docs", { doc: r.doc_id }) }, `${title} (${r.doc_id})`) : `${title} ${t("not_in_corpus")}`);
}
function validityNode(d, date) {
  const v = d.validity;
  if (!v) return null;
  const rows = [...(v.relations || []).map(relationItem),
    ...(v.ended_by || []).map((e) => el("li", { "data-relation": `ended_by:${e.relation}` }, t("ended_by", e)))];
  return el("div", { class: "validity" },
    statusBadge(d.doc_status || "in_force", t("valid_range", v.valid_from, v.valid_to)), " ",
    `${t("valid_range", v.valid_from, v.valid_to)} ${t("status_on", date)}`,
    rows.length ? el("details", {}, el("summary", {}, t("relations_n", rows.length)), el("ul", {}, rows)) : null);
}
function docItem(d, date) {
  return el("li", { "data-doc": d.doc_id },
    el("a", { href: hashFor("docs", { doc: d.doc_id }) }, `${d.doc_id} ${d.title}`),
    ` — ${[d.kind, d.year, d.status, (d.issuers || []).join("、")].filter(Boolean).join(" · ")}`,
    d.inferred && d.inferred.length ? el("span", { class: "badge", title: "inferred" }, `inferred: ${d.inferred.join(", ")}`) : null,
    validityNode(d, date));
}
async function runDocs(doc) {
  status("#docs-status", t("loading"));
  try {
    const data = await api(`/documents?${qs({ as_of: asOf() })}`);  /* each with its standing on that date */
    status("#docs-status", "");
    const date = data.as_of;
    $("#docs-list").replaceChildren(...data.documents.map((d) => docItem(d, date)));
    const box = $("#docs-clauses");
    box.replaceChildren();
    if (doc) {
      const cl = await api(`/clauses?${qs({ doc })}`);
      box.append(el("h3", {}, `${doc} · ${cl.clauses.length} ${t("clauses")}`),
        el("ol", { class: "cards" }, cl.clauses.map((c) => clauseCard(c, ""))));
    }
  } catch (err) { status("#docs-status", err.message, true); }
}

/* ---------- upload: preview, review, commit ---------- */
const KEY_STORE = "policykg.apiKey"; /* sessionStorage: this tab only */
const FACT_ORDER = ["obligation", "deadline", "funding", "sanction", "condition"];
const FACT_FIELDS = { obligation: ["actor", "modality", "action", "object", "recipient", "deadline", "sanction"],
  deadline: ["phrase", "normalized", "subject"], funding: ["funder", "amount_min", "amount_max", "purpose"],
  sanction: ["trigger", "effect"], condition: ["condition_type"] };
let pending = null; /* {file, id, title} as sent to the preview */
let reviewed = null; /* the preview's answer for `pending` */
function uploadError(err) {
  const lead = t("http_errors")[err.status];
  return lead ? `${lead}${lang === "zh" ? "：" : ": "}${err.message}` : err.message;
}
function uploadBody(upload, id) {
  const form = new FormData();
  form.append("file", upload.file, upload.file.name);
  if (id || upload.id) form.append("id", id || upload.id);
  if (upload.title) form.append("title", upload.title);
  return form;
}
function keyHeaders() {
  const key = $("#upload-key").value.trim();
  if (key) sessionStorage.setItem(KEY_STORE, key);
  return key ? { "X-API-Key": key } : {};
}
function clearReview() {
  reviewed = null;
  $("#upload-review").hidden = true;
  for (const id of ["#upload-meta", "#upload-warnings", "#upload-facts", "#upload-clauses"]) $(id).replaceChildren();
}
async function runPreview(file) {
  if (file) pending = { file };
  if (!pending) { status("#upload-status", t("upload_no_file"), true); return; }
  if (!$("#upload-form").reportValidity()) return;
  const asked = pending = { file: pending.file, id: $("#upload-id").value.trim(), title: $("#upload-title").value.trim() };
  clearReview();
  $("#upload-result").hidden = true;
  status("#upload-status", t("upload_reading", asked.file.name));
  try {
    const data = await api("/documents/preview", { method: "POST", headers: keyHeaders(), body: uploadBody(asked) });
    if (asked !== pending) return; /* another file was chosen meanwhile */
    status("#upload-status", "");
    showReview(data);
  } catch (err) { if (asked === pending) status("#upload-status", uploadError(err), true); }
}
const present = (v) => v !== undefined && v !== null && v !== "" && !(Array.isArray(v) && !v.length);
function factFields(f) {
  const value = (k) => (k === "modality" ? (t("modality")[f[k]] || f[k])
    : k === "applies_to" ? f[k].map((id) => id.replace(/^[A-Za-z]+:/, "")).join("、") : fieldText(f[k]));
  return [...(FACT_FIELDS[f.kind] || []), "applies_to"].filter((k) => present(f[k]))
    .map((k) => `${t("fields")[k] || k}: ${value(k)}`).join(" · ");
}
function showReview(data) {
  reviewed = data;
  const d = data.document, labels = t("meta");
  $("#upload-review-title").textContent = t("upload_review", d.doc_id, d.title);
  $("#upload-meta").replaceChildren(...Object.keys(labels).filter((k) => present(d[k]))
    .flatMap((k) => [el("dt", {}, labels[k]), el("dd", {}, Array.isArray(d[k]) ? d[k].join("、") : String(d[k]))]));
  $("#upload-warnings").replaceChildren(
    el("li", { class: data.exists ? "warning" : "" }, data.exists ? t("upload_replace", d.doc_id) : t("upload_add", d.doc_id)),
    ...data.warnings.map((w) => el("li", { class: "warning" }, `${w.message} (${t("offsets")} ${w.offset})`)));
  const clauses = Object.fromEntries(data.clauses.map((c) => [c.clause_id, c]));
  const facts = $("#upload-facts");
  facts.replaceChildren(el("h4", {}, t("upload_counts", data.counts.clauses, data.counts.facts)));
  if (!data.facts.length) facts.append(el("p", { class: "status" }, t("no_facts")));
  for (const kind of FACT_ORDER) {
    const rows = data.facts.filter((f) => f.kind === kind);
    if (!rows.length) continue;
    facts.append(el("details", { class: "facts", "data-kind": kind, open: kind === "obligation" },
      el("summary", {}, el("span", { class: `badge ${kind}` }, t("kinds")[kind]), ` ${rows.length}`),
      el("ol", { class: "cards" }, rows.map((f) => {
        const fields = factFields(f);
        const card = clauseCard({ ...(clauses[f.clause_id] || f), kind, doc_title: d.title, span: { start: f.start, end: f.end } }, "",
          fields ? el("div", { class: "fields" }, fields) : null);
        card.dataset.fact = f.id;
        return card;
      }))));
  }
  $("#upload-clauses-title").textContent = `${t("clauses")} (${data.clauses.length})`;
  $("#upload-clauses").replaceChildren(...data.clauses.map((c) => clauseCard(c, "")));
  $("#upload-review").hidden = false;
}
function cancelUpload() {
  pending = null;
  clearReview();
  $("#upload-form").reset();
  $("#upload-key").value = sessionStorage.getItem(KEY_STORE) || "";
  status("#upload-status", t("upload_cancelled"));
}
async function commitUpload() {
  if (!reviewed || !pending) return;
  const d = reviewed.document, replace = reviewed.action === "replace", asked = pending;
  const buttons = [$("#upload-commit"), $("#upload-cancel")];
  for (const b of buttons) b.disabled = true;
  status("#upload-status", t("upload_committing"));
  try {
    const r = await api(replace ? `/documents/${encodeURIComponent(d.doc_id)}` : "/documents",
      { method: replace ? "PUT" : "POST", headers: keyHeaders(), body: uploadBody(asked, d.doc_id) });
    if (asked === pending) { pending = null; clearReview(); $("#upload-file").value = ""; }
    status("#upload-status", "");
    const result = $("#upload-result");
    result.replaceChildren(t("upload_done", r), " ", el("a", { class: "link", href: hashFor("docs", { doc: r.doc_id }) }, t("upload_open")),
      ...(r.warnings || []).map((w) => el("div", { class: "fields" }, w.message)));
    result.hidden = false;
    optionsLoaded = false; /* a new document may bring new platform types and roles */
    go("docs", { doc: r.doc_id });
  } catch (err) { status("#upload-status", uploadError(err), true); }
  finally { for (const b of buttons) b.disabled = false; }
}
const dropZone = $("#upload-drop");
dropZone.addEventListener("dragover", (e) => { e.preventDefault(); dropZone.classList.add("over"); });
dropZone.addEventListener("dragleave", () => dropZone.classList.remove("over"));
dropZone.addEventListener("drop", (e) => {
  e.preventDefault();
  dropZone.classList.remove("over");
  const files = e.dataTransfer && e.dataTransfer.files;
  if (!files || !files.length) return;
  try { $("#upload-file").files = files; } catch (_) { /* a browser that cannot set it: the preview still runs */ }
  runPreview(files[0]);
});
$("#upload-file").addEventListener("change", (e) => { if (e.target.files.length) runPreview(e.target.files[0]); });
$("#upload-form").addEventListener("submit", (e) => { e.preventDefault(); runPreview(); });
for (const id of ["#upload-id", "#upload-title"]) {
  $(id).addEventListener("change", () => { if (reviewed) { status("#upload-status", t("upload_changed")); runPreview(); } });
}
$("#upload-commit").addEventListener("click", commitUpload);
$("#upload-cancel").addEventListener("click", cancelUpload);
$("#upload-key").value = sessionStorage.getItem(KEY_STORE) || "";

/* ---------- routing and language ---------- */
function applyLanguage() {
  document.documentElement.lang = lang === "zh" ? "zh-CN" : "en";
  for (const node of document.querySelectorAll("[data-i18n]")) node.textContent = t(node.dataset.i18n);
  for (const node of document.querySelectorAll("[data-i18n-placeholder]")) node.placeholder = t(node.dataset.i18nPlaceholder);
  $("#lang").textContent = lang === "zh" ? "EN" : "中文";
  document.title = `policykg · ${t("title")}`;
}
function route() {
  const [view, query] = (location.hash.replace(/^#/, "") || "ask").split("?");
  const p = new URLSearchParams(query || "");
  const name = ["ask", "checklist", "entity", "overlap", "docs"].includes(view) ? view : "ask";
  readDating(p);
  for (const s of document.querySelectorAll(".view")) s.hidden = s.id !== `view-${name}`;
  for (const a of document.querySelectorAll("nav a")) {
    a.classList.toggle("active", a.dataset.view === name);
    a.href = hashFor(a.dataset.view);
  }
  if (name === "ask") { if (p.get("q")) runAsk(p.get("q")); }
  else if (name === "checklist") runChecklist(p.get("platform_type"), p.get("role") ?? undefined);
  else if (name === "entity") { if (p.get("name")) runEntity(p.get("name")); }
  else if (name === "overlap") runOverlap(p.get("by") || "platform_type");
  else if (name === "docs") runDocs(p.get("doc"));
}
function go(view, params) {
  const hash = hashFor(view, params);
  if (location.hash === hash) route(); else location.hash = hash;
}
$("#ask-form").addEventListener("submit", (e) => { e.preventDefault(); go("ask", { q: $("#ask-q").value.trim() }); });
$("#checklist-form").addEventListener("submit", (e) => { e.preventDefault(); go("checklist", { platform_type: $("#cl-pt").value, role: $("#cl-role").value }); });
$("#entity-form").addEventListener("submit", (e) => { e.preventDefault(); go("entity", { name: $("#entity-name").value.trim() }); });
$("#overlap-form").addEventListener("submit", (e) => { e.preventDefault(); go("overlap", { by: $("#ov-by").value }); });
$("#dating").addEventListener("submit", (e) => { e.preventDefault(); redate(); });
$("#as-of").addEventListener("change", redate);
$("#all-versions").addEventListener("change", redate);
$("#as-of-today").addEventListener("click", () => { $("#as-of").value = ""; redate(); });
$("#lang").addEventListener("click", () => {
  lang = lang === "zh" ? "en" : "zh"; localStorage.setItem("policykg.lang", lang); applyLanguage(); route();
  if (reviewed) showReview(reviewed);
});
window.addEventListener("hashchange", route);
applyLanguage();
route();
