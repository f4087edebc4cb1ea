// Receivables (回收账款): which instalments are paid, due or overdue, and the
// ageing of what is owed. Pure functions, no I/O; money in fen; days are
// "YYYY-MM-DD" strings.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace guanxi::analytics {

struct PlannedInstalment {
  int64_t id = 0;
  std::string due_on;
  int64_t amount = 0;
};

enum class InstalmentStatus { kPaid, kPartlyPaid, kDue, kOverdue };
const char* ToString(InstalmentStatus s);  // "paid", "partly_paid", "due", "overdue"

struct InstalmentState {
  int64_t id = 0;
  std::string due_on;
  int64_t amount = 0;
  int64_t paid = 0;  // receipts allocated to it, oldest instalment first
  InstalmentStatus status = InstalmentStatus::kDue;
  int days_overdue = 0;  // > 0 only when overdue (today − due_on)
};

struct AccountState {
  int64_t planned = 0;
  int64_t received = 0;
  int64_t outstanding = 0;  // max(planned − received, 0)
  int64_t overdue = 0;      // unpaid amount of instalments due before today
  int oldest_overdue_days = 0;
  std::vector<InstalmentState> instalments;  // by due_on
};

// Allocates `received_total` to the instalments by due date (ties by id) and
// classifies each as of `today`: paid in full → paid; due before today and not
// paid in full → overdue (partly paid or not); otherwise partly_paid or due.
AccountState EvaluateAccount(std::vector<PlannedInstalment> plan, int64_t received_total,
                             const std::string& today);

// Unpaid amounts by age: not yet due, 1–30, 31–60, 61–90 and over 90 days overdue.
struct Ageing {
  int64_t current = 0;
  int64_t d1_30 = 0;
  int64_t d31_60 = 0;
  int64_t d61_90 = 0;
  int64_t d90_plus = 0;
  int64_t total() const { return current + d1_30 + d31_60 + d61_90 + d90_plus; }
};
void AddToAgeing(const AccountState& account, Ageing& ageing);

}  // namespace guanxi::analytics
