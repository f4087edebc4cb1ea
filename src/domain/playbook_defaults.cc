// The 话术库 shipped with Guanxi: objection scripts for the six situations of
// METHODOLOGY.md §5, a tip per open stage (what to achieve, how to know it is
// done) and FFAB lines per open stage, each in Chinese and English. Written for
// reps of small and medium B2B companies; 【…】 marks what the rep fills in.
#include "domain/sales.h"

namespace guanxi {
namespace {

// One entry in both languages.
struct Bilingual {
  const char* stage;  // "" = every stage
  const char* situation;
  const char* kind;
  const char* zh_title;
  const char* zh_body;
  const char* en_title;
  const char* en_body;
};

constexpr Bilingual kEntries[] = {
    // ------------------------------------------------------- objections
    {"uncover_needs", "no_need", "objection", "客户说“我们不需要”",
     "“理解，很多客户第一次聊的时候也这么说。冒昧问一句：您现在【这块业务】是怎么做的？"
     "哪个环节最费时间、最容易出错？”\n"
     "1. 先认同，不争辩，也不急着介绍产品。\n"
     "2. 问现状和代价：“现在这样做，一个月大概要多花多少时间或成本？”\n"
     "3. 讲一个同行的例子：“【同行客户】以前也觉得没必要，后来算了一下，【具体问题】每月要多花"
     "【金额】。”\n"
     "4. 要一个小承诺：“我把这个案例发您微信，您有空看看，下周二我再打电话听听您的想法，行吗？”\n"
     "判断：客户说出一个具体的麻烦，就继续挖掘需求；仍然说不出来，就按 MAN 标为长期培养，"
     "定期保持联系，不要硬推。",
     "The customer says “we don't need it”",
     "“I understand — many customers say that the first time we talk. May I ask how you handle "
     "【this part of the business】 today? Which step takes the most time or goes wrong most "
     "often?”\n"
     "1. Agree first; do not argue and do not rush into the product.\n"
     "2. Ask about the current way and its cost: “Roughly how much extra time or money does it "
     "take each month?”\n"
     "3. Tell a peer's story: “【A customer in your industry】 felt the same, until they worked "
     "out that 【the problem】 cost them 【amount】 a month.”\n"
     "4. Ask for a small commitment: “Shall I send you that case on WeChat and call you next "
     "Tuesday to hear what you think?”\n"
     "Done when: the customer names one concrete problem — keep uncovering needs. If they "
     "cannot, mark the lead for long-term cultivation (MAN) and keep in touch; do not push."},
    {"build_trust", "have_supplier", "objection", "客户说“已经有供应商了”",
     "“有稳定的供应商是好事，说明您很重视【品类】的质量和供货。我不是来劝您马上换的。"
     "想请教一下：如果让现在的供应商改进一点，您最希望改哪一点？”\n"
     "1. 肯定对方的选择，绝不说竞争对手的坏话。\n"
     "2. 问改进点：交期、价格、质量稳定性、售后响应速度、账期，让客户自己说出来。\n"
     "3. 针对那一点提议小规模试用：“能不能先拿一个小批次（一个门店、一个项目）试一下，"
     "和现在的做个对比？效果不好，您也没有损失。”\n"
     "4. 讲“多一个备选”的价值：避免只依赖一家的断供风险，以后谈价格也更有底气。\n"
     "5. 把竞争对手名称记到商机的“竞争对手”里，方便后续准备对比资料。\n"
     "判断：客户同意试单，或者说出了对比的标准。",
     "The customer says “we already have a supplier”",
     "“A reliable supplier is a good thing — it shows you care about the quality and supply of "
     "【category】. I'm not asking you to switch today. If you could have your current supplier "
     "improve one thing, what would it be?”\n"
     "1. Respect their choice; never speak badly of the competitor.\n"
     "2. Ask what they would improve: lead time, price, consistent quality, service response, "
     "payment terms — let the customer say it.\n"
     "3. Propose a small trial on exactly that point: “Could we try one small batch (one store, "
     "one project) and compare? If it is not better, you have lost nothing.”\n"
     "4. Explain the value of a second source: no risk of being cut off by a single supplier, "
     "and a stronger hand in future price talks.\n"
     "5. Record the competitor on the opportunity so you can prepare a comparison.\n"
     "Done when: the customer agrees to a trial order or tells you how they would compare."},
    {"", "wrong_person", "objection", "对方说“这事我做不了主”",
     "“明白，谢谢您直接告诉我。这类采购一般是哪位拍板？除了他，还有哪些人会参与意见，"
     "比如使用部门、技术或者财务？”\n"
     "1. 不要因此冷落眼前这个人，他很可能是使用者或影响者，以后还要靠他。\n"
     "2. 问清决策链：谁提需求、谁做评估、谁批预算、谁最后签字。把这些人加到商机的采购决策链里，"
     "标出角色和态度。\n"
     "3. 请求引荐：“方不方便帮我约一下【决策人】？或者我们一起给他做个15分钟的简要汇报，"
     "您最了解现场情况，有您在效果更好。”\n"
     "4. 给他一份方便转交的一页纸材料：要解决的问题、方案要点、价格区间。\n"
     "判断：拿到决策人的姓名、职务和见面时间。",
     "The contact says “I'm not the one who decides”",
     "“Understood, and thank you for telling me straight. Who usually makes the final call on a "
     "purchase like this? And who else has a say — the users, technical staff, finance?”\n"
     "1. Do not drop this contact: they are likely a user or an influencer you will need later.\n"
     "2. Map the decision chain: who raises the need, who evaluates, who approves the budget, "
     "who signs. Add them to the opportunity's buying centre with their role and attitude.\n"
     "3. Ask for an introduction: “Could you help me set up a meeting with 【decision maker】? "
     "Or we could brief them together for 15 minutes — you know the situation best.”\n"
     "4. Leave a one-page summary they can pass on: the problem, the key points of the offer, "
     "the price range.\n"
     "Done when: you have the decision maker's name, title and a meeting date."},
    {"present_value", "no_budget", "objection", "客户说“没有预算”",
     "“预算紧很正常，现在大家都在控制成本。我想确认一下：是今年完全没有这项预算，"
     "还是金额和我们的方案有差距？”\n"
     "1. 分清“没钱”和“觉得不值”：如果是觉得不值，回到价值，把账算清楚。\n"
     "2. 算账：“按您说的，【问题】每月大约损失【金额】，方案一年投入【金额】，"
     "大概【N】个月就能收回。”\n"
     "3. 调整方案：分期付款、先上最急需的部分或小批量、按季度结算。\n"
     "4. 问预算周期：“你们的预算一般几月份做？我提前把方案和测算给您，方便您报上去。”\n"
     "5. 给账期之前先了解对方的付款能力和信用，对应 MAN 里的“m”。\n"
     "判断：客户给出预算申请的时间，或者同意分期、小规模的方案。",
     "The customer says “we have no budget”",
     "“Tight budgets are normal — everyone is watching costs. Let me check: is there no budget "
     "for this at all this year, or is there a gap between the budget and our proposal?”\n"
     "1. Tell “no money” apart from “not worth it”: if it is the latter, go back to value and do "
     "the sums.\n"
     "2. Do the sums: “You said 【the problem】 costs about 【amount】 a month; the proposal costs "
     "【amount】 a year, so it pays for itself in about 【N】 months.”\n"
     "3. Reshape the offer: instalments, start with the most urgent part or a small batch, "
     "quarterly billing.\n"
     "4. Ask about the budget cycle: “When do you plan next year's budget? I can send the "
     "proposal and the figures early so you can put it forward.”\n"
     "5. Before offering credit terms, check that they can pay (the “m” in MAN).\n"
     "Done when: the customer tells you when the budget will be requested, or accepts "
     "instalments or a smaller first order."},
    {"win_commitment", "price_too_high", "objection", "客户说“价格太贵了”",
     "“谢谢您直说。您觉得贵，是和哪家比，还是和您的预算比？”\n"
     "1. 先弄清比较对象，不要马上降价：一降价就等于承认原价有水分。\n"
     "2. 和别家比：逐项列出规格、质量、交期、售后和账期的差别，算总成本，而不是只比单价。\n"
     "3. 和预算比：调整范围（减少数量、去掉非必需的选项），而不是直接打折。\n"
     "4. 必须让步时要换条件：“如果本月签约并预付30%，我可以向公司申请【某项优惠】。”\n"
     "5. 最后确认：“除了价格，还有别的顾虑吗？如果价格谈妥，我们今天能定下来吗？”\n"
     "判断：只剩下价格一个问题，而且客户接受了交换条件。",
     "The customer says “the price is too high”",
     "“Thank you for being direct. Too high compared with whom — another supplier, or your "
     "budget?”\n"
     "1. Find out what they compare with before cutting the price; a quick discount tells them "
     "the first price was padded.\n"
     "2. Against another supplier: compare specification, quality, lead time, service and "
     "payment terms line by line; talk total cost, not unit price.\n"
     "3. Against the budget: change the scope (fewer units, drop optional items) instead of "
     "discounting.\n"
     "4. If you must give something, get something: “If we sign this month with 30% paid in "
     "advance, I can ask my company for 【a concession】.”\n"
     "5. Close the loop: “Apart from price, is anything else holding you back? If we agree on "
     "price, can we settle it today?”\n"
     "Done when: price is the only open point and the customer accepts the trade."},
    {"build_trust", "unhappy_before", "objection", "客户说“以前合作过，不满意”",
     "“非常抱歉，让您有过不好的体验。能具体说说当时发生了什么吗？我想先弄清楚问题出在哪里。”\n"
     "1. 认真听完，不辩解，不推给以前的同事；记下具体的问题、时间和涉及的人。\n"
     "2. 回去查客户档案和服务记录，还没解决的问题先解决。\n"
     "3. 承认并道歉，说明这之后我们做了哪些改变（流程、人员、质量检验）。\n"
     "4. 给出能验证的承诺：“这次由我直接对接，任何问题【2】小时内回复。”\n"
     "5. 建议从小订单或试用重新开始，让对方亲自验证改进。\n"
     "判断：客户愿意再给一次机会：同意试单、见面或者看方案。",
     "The customer says “we worked with you before and were not happy”",
     "“I'm sorry you had a bad experience with us. Could you tell me what happened? I'd like to "
     "understand where it went wrong first.”\n"
     "1. Listen to the end; do not defend or blame former colleagues. Note the problem, when it "
     "happened and who was involved.\n"
     "2. Check the customer record and service history; fix anything still open first.\n"
     "3. Acknowledge and apologise, then say what has changed since (process, people, quality "
     "checks).\n"
     "4. Make a promise they can check: “This time I am your direct contact and I will answer "
     "any issue within 【2】 hours.”\n"
     "5. Suggest starting again with a small order or a trial so they can see the change "
     "themselves.\n"
     "Done when: the customer gives you another chance — a trial order, a meeting or a proposal "
     "review."},

    // ------------------------------------------------------------- tips
    {"customer_analysis", "general", "tip", "客户分析：值不值得投入",
     "目标：判断这个客户值不值得投入，并为第一次接触做好准备。\n"
     "做法：看客户档案（行业、规模、地区、来源、以往订单和服务记录）；了解对方的主营业务和近期"
     "动态；用 MAN 初步判断有没有钱、谁有决定权、有没有需求；找到第一个联系人和联系的理由。\n"
     "完成标志：MAN 三项都有初步判断；知道先找谁、用什么理由联系；"
     "“下一步”里写好了具体的行动和日期。",
     "Customer analysis: is it worth the effort?",
     "Goal: decide whether this account is worth your time, and prepare the first contact.\n"
     "How: read the customer record (industry, size, region, source, past orders and service); "
     "learn what they do and what is new with them; make a first MAN call — money, authority, "
     "need; find a first contact and a reason to call.\n"
     "Done when: you have a first view on all three MAN letters, you know whom to contact and "
     "why, and the next step has an action and a date."},
    {"build_trust", "general", "tip", "建立信任：让关键人愿意认真谈",
     "目标：让关键人愿意花时间和你认真谈。\n"
     "做法：守时、准备充分；先谈客户的生意，不急着谈产品；分享同行案例和资质；"
     "小事说到做到（资料当天发、问题按时回复）；记住对方的个人信息和重要日子。\n"
     "完成标志：对方同意第二次深入交流，或者主动介绍其他相关的人；采购决策链里至少有一位支持者。",
     "Build trust: get the key people to talk openly",
     "Goal: the key people are willing to spend real time with you.\n"
     "How: be on time and prepared; talk about their business before your product; share peer "
     "cases and credentials; keep small promises (send material the same day, answer on time); "
     "remember personal details and important dates.\n"
     "Done when: they agree to a second, deeper meeting or introduce you to others involved, and "
     "at least one person in the buying centre supports you."},
    {"uncover_needs", "general", "tip", "挖掘需求：把兴趣变成具体需求",
     "目标：把模糊的兴趣变成具体、能量化的需求。\n"
     "做法：按顺序问现状、问题、影响和期望；弄清谁最在乎这个问题；了解预算、时间表和决策流程；"
     "每次沟通后用微信或邮件发一段小结请对方确认。\n"
     "完成标志：能用客户自己的话写下需求、问题带来的损失、预算范围和决策时间，并且对方确认无误。",
     "Uncover needs: turn interest into a concrete need",
     "Goal: turn vague interest into a concrete, measurable need.\n"
     "How: ask in turn about the situation, the problems, their impact and what they want; find "
     "out who cares most; learn the budget, timetable and decision process; after each talk send "
     "a short summary on WeChat or by email and ask them to confirm it.\n"
     "Done when: you can write the need, what the problem costs them, the budget range and the "
     "decision date in the customer's own words, and they have confirmed it."},
    {"present_value", "general", "tip", "呈现价值：证明你的方案最合适",
     "目标：让决策人相信你的方案最能解决他的问题。\n"
     "做法：用 FFAB 把每个特征落到客户的利益上；做演示、送样品或安排试用；"
     "给出投入产出测算；提前准备与竞争对手的对比；请使用者和技术把关者一起参加。\n"
     "完成标志：决策人认可方案，并提出正式报价或合同条款的要求。",
     "Present value: show your offer fits best",
     "Goal: the decision maker believes your offer solves their problem best.\n"
     "How: use FFAB to tie every feature to a benefit for this customer; demonstrate, send "
     "samples or run a trial; show the return on investment; prepare a comparison with the "
     "competitor; bring in the users and the technical gatekeeper.\n"
     "Done when: the decision maker accepts the proposal and asks for a formal quote or contract "
     "terms."},
    {"win_commitment", "general", "tip", "赢取承诺：拿到签字",
     "目标：拿到签字的合同或订单。\n"
     "做法：确认采购决策链上每个人都同意或不反对；处理最后的价格和条款异议，让步一定要换条件；"
     "明确签约日期、交付和付款条件；主动提出成交：“那我们就按这个方案，下周一签合同？”\n"
     "完成标志：合同或订单已签，付款计划已登记。",
     "Win commitment: get the signature",
     "Goal: a signed contract or order.\n"
     "How: make sure everyone in the buying centre agrees or at least does not object; handle "
     "the last price and terms objections, and trade every concession; fix the signing date, "
     "delivery and payment terms; ask for the order: “Shall we sign on this basis next "
     "Monday?”\n"
     "Done when: the contract or order is signed and the payment plan is recorded."},
    {"collect_payment", "general", "tip", "回收账款：按计划收回款项",
     "目标：按付款计划收回全部款项。\n"
     "做法：签约时就登记分期付款计划；到期前3天提醒对方；发票开得及时准确；逾期第一天就联系，"
     "了解原因并约定具体的付款日期；必要时请上级出面；每笔到账及时登记收款。\n"
     "完成标志：款项全部到账，商机标为赢单；有逾期的，账龄不超过30天。",
     "Collect payment: get paid on plan",
     "Goal: collect everything on the payment plan.\n"
     "How: record the instalment plan when the contract is signed; remind the customer 3 days "
     "before each due date; invoice promptly and correctly; call on the first day an instalment "
     "is late, find out why and agree a firm date; involve your manager if needed; record every "
     "receipt as it arrives.\n"
     "Done when: everything is paid and the opportunity is marked won; anything overdue is no "
     "more than 30 days old."},

    // ------------------------------------------------------------- FFAB
    {"customer_analysis", "general", "ffab", "FFAB：同行案例",
     "特征：我们服务过本地区同行业的【N】家企业。\n"
     "功能：可以直接参考同行已经验证过的做法。\n"
     "优点：比从零摸索的供应商上手快、少走弯路。\n"
     "利益：您的项目更快见效，风险更低。",
     "FFAB: peer references",
     "Feature: we have served 【N】 companies in your industry in this region.\n"
     "Function: you can reuse approaches your peers have already proven.\n"
     "Advantage: faster to start and fewer mistakes than a supplier learning from scratch.\n"
     "Benefit: your project pays off sooner and with less risk."},
    {"customer_analysis", "general", "ffab", "FFAB：本地服务团队",
     "特征：我们在【城市】有自己的服务团队。\n"
     "功能：出了问题当天就能上门。\n"
     "优点：不用等外地工程师出差过来。\n"
     "利益：停工和等待的时间更短，损失更小。",
     "FFAB: local service team",
     "Feature: we have our own service team in 【city】.\n"
     "Function: an engineer can be on site the same day.\n"
     "Advantage: no waiting for engineers to travel from another city.\n"
     "Benefit: less downtime and smaller losses when something goes wrong."},
    {"customer_analysis", "general", "ffab", "FFAB：免费现状诊断",
     "特征：提供一次免费的现状诊断。\n"
     "功能：上门评估后给出书面报告。\n"
     "优点：不花钱就能先看清问题在哪里。\n"
     "利益：决策有依据，不用担心买错。",
     "FFAB: free assessment",
     "Feature: a free assessment of your current situation.\n"
     "Function: an on-site review with a written report.\n"
     "Advantage: you see where the problems are before spending anything.\n"
     "Benefit: you decide on facts and do not risk buying the wrong thing."},
    {"build_trust", "general", "ffab", "FFAB：资质与认证",
     "特征：我们通过了 ISO 9001 认证，并具备【行业】资质。\n"
     "功能：生产和服务流程有记录、可追溯。\n"
     "优点：比作坊式的供应商更规范。\n"
     "利益：您的供应商审核更容易通过，出了问题有据可查。",
     "FFAB: certifications",
     "Feature: we are ISO 9001 certified and hold the 【industry】 licences.\n"
     "Function: production and service steps are recorded and traceable.\n"
     "Advantage: more disciplined than a workshop-style supplier.\n"
     "Benefit: your supplier audit passes easily, and any problem can be traced."},
    {"build_trust", "general", "ffab", "FFAB：参观老客户现场",
     "特征：可以安排参观我们老客户的使用现场。\n"
     "功能：亲眼看到实际使用的效果，直接和用户交流。\n"
     "优点：比看宣传册和听销售介绍更可信。\n"
     "利益：您向领导汇报时有真实的依据。",
     "FFAB: reference site visit",
     "Feature: we can arrange a visit to an existing customer's site.\n"
     "Function: you see the results in real use and talk to the users yourself.\n"
     "Advantage: more convincing than a brochure or a sales pitch.\n"
     "Benefit: you have real evidence when you report to your management."},
    {"build_trust", "general", "ffab", "FFAB：专属客户经理",
     "特征：每位客户都有一名专属客户经理。\n"
     "功能：一个电话就能解决订货、交付、发票和售后的问题。\n"
     "优点：不用在多个部门之间来回找人。\n"
     "利益：节省您的时间，问题处理得更快。",
     "FFAB: dedicated account manager",
     "Feature: every customer has one dedicated account manager.\n"
     "Function: one call settles ordering, delivery, invoices and after-sales questions.\n"
     "Advantage: no chasing between departments.\n"
     "Benefit: you save time and problems are solved faster."},
    {"uncover_needs", "general", "ffab", "FFAB：需求调研清单",
     "特征：我们有一套标准的需求调研清单。\n"
     "功能：30分钟就能梳理出业务流程里的关键问题。\n"
     "优点：不遗漏，也不靠记忆。\n"
     "利益：方案能对准您真正的痛点，不花冤枉钱。",
     "FFAB: needs checklist",
     "Feature: a standard needs-assessment checklist.\n"
     "Function: maps the key problems in your process in 30 minutes.\n"
     "Advantage: nothing is missed and nothing depends on memory.\n"
     "Benefit: the proposal targets your real pain points, so you pay for nothing you don't need."},
    {"uncover_needs", "general", "ffab", "FFAB：样品与试用",
     "特征：提供免费样品或两周试用。\n"
     "功能：在您自己的实际场景里验证效果。\n"
     "优点：先验证再购买。\n"
     "利益：采购风险降到最低。",
     "FFAB: samples and trial",
     "Feature: free samples or a two-week trial.\n"
     "Function: you test the results in your own real conditions.\n"
     "Advantage: you verify before you buy.\n"
     "Benefit: your purchasing risk is as low as it gets."},
    {"uncover_needs", "general", "ffab", "FFAB：投入产出测算",
     "特征：我们提供投入产出测算表。\n"
     "功能：用您的实际数据算出能节省多少成本。\n"
     "优点：用数字说话，不靠口头承诺。\n"
     "利益：方便您向领导申请预算。",
     "FFAB: return-on-investment sheet",
     "Feature: a return-on-investment worksheet.\n"
     "Function: works out the savings from your own figures.\n"
     "Advantage: numbers instead of promises.\n"
     "Benefit: easier for you to get the budget approved."},
    {"present_value", "general", "ffab", "FFAB：质量稳定",
     "特征：每批产品出厂前检测，并附检测报告。\n"
     "功能：保证不同批次之间质量一致。\n"
     "优点：不良率低于同价位的产品。\n"
     "利益：减少返工和投诉，保住您在客户那里的口碑。",
     "FFAB: consistent quality",
     "Feature: every batch is tested before shipping and comes with a test report.\n"
     "Function: quality stays the same from batch to batch.\n"
     "Advantage: a lower defect rate than products at the same price.\n"
     "Benefit: less rework and fewer complaints, so your own customers stay happy."},
    {"present_value", "general", "ffab", "FFAB：交期写进合同",
     "特征：常规产品【N】天交货，延期赔付写进合同。\n"
     "功能：您可以按计划安排生产和销售。\n"
     "优点：交期有合同保障，不只是口头承诺。\n"
     "利益：不再因为缺货停线或丢单。",
     "FFAB: delivery time in the contract",
     "Feature: standard items ship in 【N】 days, with late-delivery compensation in the "
     "contract.\n"
     "Function: you can plan production and sales around it.\n"
     "Advantage: the lead time is guaranteed in writing, not just promised.\n"
     "Benefit: no more stopped lines or lost orders for want of stock."},
    {"present_value", "general", "ffab", "FFAB：分步实施",
     "特征：方案按模块分步实施。\n"
     "功能：先上最急需的部分，其余的以后再加。\n"
     "优点：不需要一次性大笔投入。\n"
     "利益：控制现金流，边用边见效。",
     "FFAB: step-by-step rollout",
     "Feature: the solution is delivered in modules, step by step.\n"
     "Function: start with the most urgent part and add the rest later.\n"
     "Advantage: no large up-front investment.\n"
     "Benefit: you protect your cash flow and see results as you go."},
    {"win_commitment", "general", "ffab", "FFAB：灵活付款",
     "特征：支持分期付款和月结。\n"
     "功能：按交付的里程碑付款。\n"
     "优点：比一次性付全款压力小。\n"
     "利益：保住您的现金流，用起来更安心。",
     "FFAB: flexible payment",
     "Feature: instalments and monthly settlement are available.\n"
     "Function: you pay by delivery milestone.\n"
     "Advantage: far less pressure than paying everything up front.\n"
     "Benefit: your cash flow stays healthy while you use the product."},
    {"win_commitment", "general", "ffab", "FFAB：长质保",
     "特征：【N】年质保，质量问题包退包换。\n"
     "功能：质量问题免费维修或更换。\n"
     "优点：质保期比行业常见的更长。\n"
     "利益：没有后顾之忧，签约更放心。",
     "FFAB: long warranty",
     "Feature: a 【N】-year warranty with returns for quality defects.\n"
     "Function: any quality problem is repaired or replaced free of charge.\n"
     "Advantage: a longer warranty than is usual in the industry.\n"
     "Benefit: no worries after signing, so you can sign with confidence."},
    {"win_commitment", "general", "ffab", "FFAB：价格保护",
     "特征：签年度框架协议可锁定价格。\n"
     "功能：一年内价格不随原材料上涨。\n"
     "优点：成本可以提前算清楚。\n"
     "利益：您的预算和对外报价都更稳定。",
     "FFAB: price protection",
     "Feature: an annual framework agreement locks the price.\n"
     "Function: the price does not follow raw-material increases for a year.\n"
     "Advantage: your costs are known in advance.\n"
     "Benefit: your budget and your own quotes stay stable."},
    {"collect_payment", "general", "ffab", "FFAB：当天开电子发票",
     "特征：签收当天开具电子发票。\n"
     "功能：财务可以马上入账、走付款流程。\n"
     "优点：不用等纸质发票邮寄。\n"
     "利益：付款流程更快，少了来回沟通。",
     "FFAB: same-day e-invoice",
     "Feature: an electronic invoice on the day of delivery sign-off.\n"
     "Function: your finance team can book it and start payment at once.\n"
     "Advantage: no waiting for a paper invoice in the post.\n"
     "Benefit: payment goes through faster with less back-and-forth."},
    {"collect_payment", "general", "ffab", "FFAB：每月对账单",
     "特征：每月自动发送对账单。\n"
     "功能：清楚列出已付、未付和即将到期的款项。\n"
     "优点：双方账目一致，减少争议。\n"
     "利益：您的财务对账省时省心。",
     "FFAB: monthly statement",
     "Feature: a statement of account sent every month.\n"
     "Function: lists what is paid, what is open and what falls due soon.\n"
     "Advantage: both sides' books agree, so there are fewer disputes.\n"
     "Benefit: reconciliation takes your finance team less time."},
    {"collect_payment", "general", "ffab", "FFAB：多种付款方式",
     "特征：支持对公转账、支付宝和微信支付。\n"
     "功能：小额款项随时就能付。\n"
     "优点：比只收对公转账方便。\n"
     "利益：付款更省事，不用为小钱走长流程。",
     "FFAB: many ways to pay",
     "Feature: bank transfer, Alipay and WeChat Pay are all accepted.\n"
     "Function: small amounts can be paid at any time.\n"
     "Advantage: more convenient than bank transfer only.\n"
     "Benefit: paying is easy, with no long approval chain for small sums."},
};

PlaybookEntry Make(const Bilingual& b, bool zh, int position) {
  PlaybookEntry e;
  e.stage = b.stage;
  e.situation = b.situation;
  e.kind = b.kind;
  e.locale = zh ? "zh" : "en";
  e.title = zh ? b.zh_title : b.en_title;
  e.body = zh ? b.zh_body : b.en_body;
  e.position = position;
  return e;
}

}  // namespace

const std::vector<PlaybookEntry>& DefaultPlaybook() {
  static const std::vector<PlaybookEntry> entries = [] {
    std::vector<PlaybookEntry> out;
    int position = 0;
    for (const Bilingual& b : kEntries) {
      out.push_back(Make(b, /*zh=*/true, position));
      out.push_back(Make(b, /*zh=*/false, position));
      ++position;
    }
    return out;
  }();
  return entries;
}

}  // namespace guanxi
