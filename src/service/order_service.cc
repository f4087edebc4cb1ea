#include "service/order_service.h"

#include <algorithm>
#include <map>

#include "service/sales_access.h"

namespace guanxi {

AuditEntry OrderService::Audit(const Principal& p, const char* entity, const char* action) const {
  AuditEntry a;
  a.at = clock_.Now();
  if (p.user_id) a.user_id = p.user_id;
  a.user_login = p.login;
  a.entity = entity;
  a.action = action;
  return a;
}

std::string OrderService::Today() const { return BusinessDay(clock_.Now()); }

Status OrderService::CheckVisibleOwner(const Principal& p, std::optional<int64_t> owner,
                                       const std::string& what) {
  if (!CanSeeOwner(store_, p, owner)) return Status::NotFound(what + " not found");
  return Status::Ok();
}

Status OrderService::CheckWriter(const Principal& p, const char* what) {
  if (CanWriteArchive(p)) return Status::Ok();
  return Status::PermissionDenied("the " + std::string(ToString(p.role)) + " role may read " + what +
                                  " but not change them");
}

// Whom `p` may credit with an order: sales themself, a manager their team, an admin anyone.
Status OrderService::CheckOwnerAssignable(const Principal& p, std::optional<int64_t> owner) {
  if (!owner) {
    if (p.role == Role::kAdmin) return Status::Ok();
    return Status::InvalidField("owner_user_id", "an order needs an owner");
  }
  auto user = store_.GetUser(*owner);
  if (!user.ok()) return Status::InvalidField("owner_user_id", "no such user");
  switch (p.role) {
    case Role::kAdmin: return Status::Ok();
    case Role::kSales:
      if (*owner == p.user_id) return Status::Ok();
      return Status::PermissionDenied("a sales user may credit orders only to themself");
    case Role::kManager:
      if (*owner == p.user_id || (p.team_id && user->team_id == p.team_id)) return Status::Ok();
      return Status::PermissionDenied("a manager may credit orders only within their team");
    case Role::kService:
    case Role::kAnalyst:
      return Status::PermissionDenied("this role may not change orders");
  }
  return Status::PermissionDenied("not allowed");
}

// ------------------------------------------------------------------ products

Result<Product> OrderService::CreateProduct(const Principal& p, Product draft) {
  if (p.role != Role::kAdmin && p.role != Role::kManager) {
    return Status::PermissionDenied("only admins and managers may change products");
  }
  GX_RETURN_IF_ERROR(NormalizeProduct(draft));
  draft.id = 0;
  draft.created_at = draft.updated_at = clock_.Now();
  return store_.Sales().CreateProduct(std::move(draft), Audit(p, "product", "create"));
}

Result<Product> OrderService::GetProduct(const Principal&, int64_t id) {
  return store_.Sales().GetProduct(id);
}

Result<Product> OrderService::UpdateProduct(const Principal& p, Product changed) {
  if (p.role != Role::kAdmin && p.role != Role::kManager) {
    return Status::PermissionDenied("only admins and managers may change products");
  }
  GX_ASSIGN_OR_RETURN(Product current, store_.Sales().GetProduct(changed.id));
  GX_RETURN_IF_ERROR(NormalizeProduct(changed));
  changed.created_at = current.created_at;
  changed.updated_at = std::max(clock_.Now(), current.updated_at);
  return store_.Sales().UpdateProduct(std::move(changed), Audit(p, "product", "update"));
}

Result<Page<Product>> OrderService::ListProducts(const Principal&, ProductQuery q) {
  if (q.limit < 1 || q.limit > 200) return Status::InvalidField("limit", "must be between 1 and 200");
  return store_.Sales().ListProducts(q);
}

// -------------------------------------------------------------------- orders

Status OrderService::FillLines(Order& o, const std::vector<OrderLineInput>& lines) {
  o.lines.clear();
  std::map<int64_t, Product> products;
  for (size_t i = 0; i < lines.size(); ++i) {
    const OrderLineInput& in = lines[i];
    const std::string prefix = "lines[" + std::to_string(i) + "].";
    OrderLine l;
    l.product_id = in.product_id;
    l.quantity = in.quantity;
    l.discount = in.discount;
    if (in.product_id) {
      auto it = products.find(*in.product_id);
      if (it == products.end()) {
        auto product = store_.Sales().GetProduct(*in.product_id);
        if (!product.ok()) {
          if (product.status().code() == StatusCode::kNotFound) {
            return Status::InvalidField(prefix + "product_id", "no such product");
          }
          return product.status();
        }
        it = products.emplace(*in.product_id, *product).first;
      }
      l.unit_price = in.unit_price.value_or(it->second.list_price);
      l.description = in.description.value_or(it->second.name);
    } else {
      if (!in.unit_price) return Status::InvalidField(prefix + "unit_price", "is required for a line without a product");
      l.unit_price = *in.unit_price;
      l.description = in.description.value_or("");
    }
    o.lines.push_back(std::move(l));
  }
  return Status::Ok();
}

Result<Order> OrderService::CreateOrder(const Principal& p, Order draft,
                                        const std::vector<OrderLineInput>& lines) {
  GX_RETURN_IF_ERROR(CheckWriter(p, "orders"));
  auto customer = store_.GetCustomer(draft.customer_id);
  if (!customer.ok() || !CheckVisibleOwner(p, customer->owner_user_id, "customer").ok()) {
    return Status::InvalidField("customer_id", "no such customer");
  }
  if (!draft.owner_user_id) {
    draft.owner_user_id = customer->owner_user_id;
    if (!draft.owner_user_id && p.user_id) draft.owner_user_id = p.user_id;
  }
  GX_RETURN_IF_ERROR(CheckOwnerAssignable(p, draft.owner_user_id));
  GX_RETURN_IF_ERROR(FillLines(draft, lines));
  UnixSeconds now = clock_.Now();
  if (draft.ordered_at == 0) draft.ordered_at = now;
  GX_RETURN_IF_ERROR(NormalizeOrder(draft));
  draft.id = 0;
  draft.created_at = draft.updated_at = now;
  return store_.Sales().CreateOrder(std::move(draft), Audit(p, "order", "create"));
}

Result<Order> OrderService::GetOrder(const Principal& p, int64_t id) {
  GX_ASSIGN_OR_RETURN(Order o, store_.Sales().GetOrder(id));
  GX_RETURN_IF_ERROR(CheckVisibleOwner(p, o.owner_user_id, "order " + std::to_string(id)));
  return o;
}

Result<Order> OrderService::UpdateOrder(const Principal& p, Order changed,
                                        const std::optional<std::vector<OrderLineInput>>& lines) {
  GX_ASSIGN_OR_RETURN(Order current, GetOrder(p, changed.id));
  GX_RETURN_IF_ERROR(CheckWriter(p, "orders"));
  if (changed.customer_id != current.customer_id) {
    auto customer = store_.GetCustomer(changed.customer_id);
    if (!customer.ok() || !CheckVisibleOwner(p, customer->owner_user_id, "customer").ok()) {
      return Status::InvalidField("customer_id", "no such customer");
    }
  }
  if (changed.owner_user_id != current.owner_user_id) {
    GX_RETURN_IF_ERROR(CheckOwnerAssignable(p, changed.owner_user_id));
  }
  if (lines) GX_RETURN_IF_ERROR(FillLines(changed, *lines));
  GX_RETURN_IF_ERROR(NormalizeOrder(changed));
  changed.external_id = current.external_id;
  changed.created_at = current.created_at;
  changed.updated_at = std::max(clock_.Now(), current.updated_at);
  return store_.Sales().UpdateOrder(std::move(changed), Audit(p, "order", "update"));
}

Result<Page<Order>> OrderService::ListOrders(const Principal& p, OrderQuery q) {
  q.scope = CustomerScope(p);
  if (q.limit < 1 || q.limit > 200) return Status::InvalidField("limit", "must be between 1 and 200");
  return store_.Sales().ListOrders(q);
}

Result<OrderImportOutcome> OrderService::ImportOrders(const Principal& p, const ByteSource& csv,
                                                     int64_t size_bytes) {
  if (p.role != Role::kAdmin && p.role != Role::kManager) {
    return Status::PermissionDenied("only admins and managers may import orders");
  }
  OrderImportOptions options;
  options.now = clock_.Now();
  options.size_bytes = size_bytes;
  auto outcome = ImportOrdersCsv(store_.Sales(), csv, options);
  if (outcome.ok()) {
    AuditEntry a = Audit(p, "order", "import");
    a.after = "{\"inserted\":" + std::to_string(outcome->inserted) +
              ",\"already_present\":" + std::to_string(outcome->already_present) +
              ",\"rejected\":" + std::to_string(outcome->rejected.size()) + "}";
    GX_RETURN_IF_ERROR(store_.AppendAudit(std::move(a)));
  }
  return outcome;
}

// --------------------------------------------------------------- receivables

Status OrderService::CheckDocument(const Principal& p, const ReceivableRef& doc, bool write) {
  if (doc.order_id.has_value() == doc.opportunity_id.has_value()) {
    return Status::InvalidArgument("name exactly one order or opportunity");
  }
  std::optional<int64_t> owner;
  if (doc.order_id) {
    GX_ASSIGN_OR_RETURN(Order o, store_.Sales().GetOrder(*doc.order_id));
    owner = o.owner_user_id;
    GX_RETURN_IF_ERROR(CheckVisibleOwner(p, owner, "order " + std::to_string(*doc.order_id)));
  } else {
    GX_ASSIGN_OR_RETURN(Opportunity o, store_.Sales().GetOpportunity(*doc.opportunity_id));
    owner = o.owner_user_id;
    GX_RETURN_IF_ERROR(CheckVisibleOwner(p, owner, "opportunity " + std::to_string(*doc.opportunity_id)));
    if (write) {
      GX_ASSIGN_OR_RETURN(std::vector<Stage> stages, store_.Sales().GetStages());
      auto it = std::find_if(stages.begin(), stages.end(), [&](const Stage& s) { return s.key == o.stage; });
      bool payable = o.stage == "collect_payment" || (it != stages.end() && it->kind == StageKind::kWon);
      if (!payable) {
        return Status::FailedPrecondition(
            "payment plans and receipts need a won opportunity (or one in the collect_payment stage)");
      }
    }
  }
  if (write) GX_RETURN_IF_ERROR(CheckWriter(p, "receivables"));
  return Status::Ok();
}

Result<PaymentPlanView> OrderService::LoadPlan(const ReceivableRef& doc) {
  VisibilityScope all{VisibilityScope::Kind::kAll, 0};
  GX_ASSIGN_OR_RETURN(auto accounts, store_.Sales().Receivables(all, doc.opportunity_id, doc.order_id));
  PaymentPlanView view;
  if (!accounts.empty()) view.account = std::move(accounts[0]);
  view.account.opportunity_id = doc.opportunity_id;
  view.account.order_id = doc.order_id;
  std::vector<analytics::PlannedInstalment> plan;
  for (const auto& i : view.account.instalments) plan.push_back({i.id, i.due_on, i.amount});
  int64_t received = 0;
  for (const auto& r : view.account.receipts) received += r.amount;
  view.state = analytics::EvaluateAccount(std::move(plan), received, Today());
  return view;
}

Result<PaymentPlanView> OrderService::GetPaymentPlan(const Principal& p, const ReceivableRef& doc) {
  GX_RETURN_IF_ERROR(CheckDocument(p, doc, false));
  return LoadPlan(doc);
}

Result<PaymentPlanView> OrderService::PutPaymentPlan(const Principal& p, const ReceivableRef& doc,
                                                     std::vector<Instalment> plan) {
  GX_RETURN_IF_ERROR(CheckDocument(p, doc, true));
  for (size_t i = 0; i < plan.size(); ++i) {
    plan[i].id = 0;
    plan[i].opportunity_id = doc.opportunity_id;
    plan[i].order_id = doc.order_id;
    Status s = NormalizeInstalment(plan[i]);
    if (!s.ok()) {
      std::vector<FieldError> fields;
      for (const auto& f : s.fields()) {
        fields.push_back({"instalments[" + std::to_string(i) + "]." + f.field, f.message});
      }
      return Status::InvalidArgument(s.message(), std::move(fields));
    }
  }
  GX_RETURN_IF_ERROR(store_.Sales().ReplacePaymentPlan(doc.opportunity_id, doc.order_id, std::move(plan),
                                                       Audit(p, "payment_plan", "replace")));
  return LoadPlan(doc);
}

Result<Receipt> OrderService::AddReceipt(const Principal& p, const ReceivableRef& doc, Receipt r) {
  GX_RETURN_IF_ERROR(CheckDocument(p, doc, true));
  r.id = 0;
  r.opportunity_id = doc.opportunity_id;
  r.order_id = doc.order_id;
  if (r.received_on.empty()) r.received_on = Today();
  GX_RETURN_IF_ERROR(NormalizeReceipt(r));
  r.user_id = p.user_id ? std::optional<int64_t>(p.user_id) : std::nullopt;
  r.created_at = clock_.Now();
  return store_.Sales().AddReceipt(std::move(r), Audit(p, "receipt", "create"));
}

Status OrderService::DeleteReceipt(const Principal& p, int64_t receipt_id) {
  // Receipts are found through the documents the caller can see, so a receipt
  // of someone else's order is "not found" like the order itself.
  GX_ASSIGN_OR_RETURN(auto accounts, store_.Sales().Receivables(CustomerScope(p), std::nullopt, std::nullopt));
  for (const auto& a : accounts) {
    for (const auto& r : a.receipts) {
      if (r.id != receipt_id) continue;
      GX_RETURN_IF_ERROR(CheckDocument(p, {a.opportunity_id, a.order_id}, true));
      return store_.Sales().DeleteReceipt(receipt_id, Audit(p, "receipt", "delete"));
    }
  }
  return Status::NotFound("receipt " + std::to_string(receipt_id) + " not found");
}

Result<ReceivablesReport> OrderService::Receivables(const Principal& p, const ReceivablesFilter& f) {
  GX_ASSIGN_OR_RETURN(auto accounts, store_.Sales().Receivables(CustomerScope(p), std::nullopt, std::nullopt));
  std::map<int64_t, std::optional<int64_t>> team_of;
  if (f.team_id) {
    GX_ASSIGN_OR_RETURN(auto users, store_.ListUsers());
    for (const auto& u : users) team_of[u.id] = u.team_id;
  }
  ReceivablesReport report;
  report.as_of = Today();
  std::map<std::optional<int64_t>, analytics::Ageing> ageing;
  for (auto& a : accounts) {
    if (f.owner_user_id && a.owner_user_id != f.owner_user_id) continue;
    if (f.team_id && (!a.owner_user_id || team_of[*a.owner_user_id] != f.team_id)) continue;
    std::vector<analytics::PlannedInstalment> plan;
    for (const auto& i : a.instalments) plan.push_back({i.id, i.due_on, i.amount});
    int64_t received = 0;
    for (const auto& r : a.receipts) received += r.amount;
    analytics::AccountState state = analytics::EvaluateAccount(std::move(plan), received, report.as_of);
    analytics::AddToAgeing(state, ageing[a.owner_user_id]);
    if (f.overdue_only && state.overdue <= 0) continue;
    report.accounts.push_back({std::move(a), std::move(state)});
  }
  std::stable_sort(report.accounts.begin(), report.accounts.end(), [](const ReceivableRow& x, const ReceivableRow& y) {
    if (x.state.overdue != y.state.overdue) return x.state.overdue > y.state.overdue;
    return x.state.outstanding > y.state.outstanding;
  });
  for (const auto& [owner, a] : ageing) {
    if (owner) report.ageing.push_back({owner, a});
  }
  if (auto it = ageing.find(std::nullopt); it != ageing.end()) report.ageing.push_back({std::nullopt, it->second});
  return report;
}

}  // namespace guanxi
