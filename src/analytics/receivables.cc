#include "analytics/receivables.h"

#include <algorithm>

#include "domain/sales.h"

namespace guanxi::analytics {

const char* ToString(InstalmentStatus s) {
  switch (s) {
    case InstalmentStatus::kPaid:
      return "paid";
    case InstalmentStatus::kPartlyPaid:
      return "partly_paid";
    case InstalmentStatus::kDue:
      return "due";
    case InstalmentStatus::kOverdue:
      return "overdue";
  }
  return "unknown";
}

AccountState EvaluateAccount(std::vector<PlannedInstalment> plan, int64_t received_total,
                             const std::string& today) {
  std::sort(plan.begin(), plan.end(), [](const PlannedInstalment& a, const PlannedInstalment& b) {
    return a.due_on != b.due_on ? a.due_on < b.due_on : a.id < b.id;
  });
  AccountState account;
  account.received = received_total;
  int64_t left = std::max<int64_t>(received_total, 0);
  for (const PlannedInstalment& p : plan) {
    InstalmentState s;
    s.id = p.id;
    s.due_on = p.due_on;
    s.amount = p.amount;
    s.paid = std::min(left, std::max<int64_t>(p.amount, 0));
    left -= s.paid;
    const int late = DaysBetween(p.due_on, today);
    if (s.paid >= s.amount) {
      s.status = InstalmentStatus::kPaid;
    } else if (late > 0) {
      s.status = InstalmentStatus::kOverdue;
      s.days_overdue = late;
      account.overdue += s.amount - s.paid;
      account.oldest_overdue_days = std::max(account.oldest_overdue_days, late);
    } else {
      s.status = s.paid > 0 ? InstalmentStatus::kPartlyPaid : InstalmentStatus::kDue;
    }
    account.planned += p.amount;
    account.instalments.push_back(std::move(s));
  }
  account.outstanding = std::max<int64_t>(account.planned - account.received, 0);
  return account;
}

void AddToAgeing(const AccountState& account, Ageing& ageing) {
  for (const InstalmentState& s : account.instalments) {
    const int64_t unpaid = s.amount - s.paid;
    if (unpaid <= 0) continue;
    if (s.status != InstalmentStatus::kOverdue) {
      ageing.current += unpaid;
    } else if (s.days_overdue <= 30) {
      ageing.d1_30 += unpaid;
    } else if (s.days_overdue <= 60) {
      ageing.d31_60 += unpaid;
    } else if (s.days_overdue <= 90) {
      ageing.d61_90 += unpaid;
    } else {
      ageing.d90_plus += unpaid;
    }
  }
}

}  // namespace guanxi::analytics
