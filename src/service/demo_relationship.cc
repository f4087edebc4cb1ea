#include "service/demo_relationship.h"

#include <algorithm>
#include <future>
#include <string>
#include <utility>

#include "store/interaction_store.h"
#include "store/plan_store.h"
#include "store/task_store.h"

namespace guanxi {
namespace {

constexpr int64_t kChunk = 5000;  // customers per transaction, as the customer load

struct Chunk {
  std::vector<Interaction> interactions;
  std::vector<Task> tasks;
};

Chunk MakeChunk(const DemoDataGenerator& gen, const DemoRelationshipInput& in, int64_t first, int64_t end) {
  Chunk c;
  for (int64_t i = first; i < end; ++i) {
    const auto k = static_cast<size_t>(i);
    const int64_t customer = in.customer_ids[k];
    const int64_t owner = in.owner_ids[k % in.owner_ids.size()];
    const UnixSeconds created = gen.CreatedAt(i, in.now);
    const int64_t purchases = k < in.purchases.size() ? in.purchases[k] : 0;
    for (Interaction& x : gen.Interactions(i, created, in.now, purchases)) {
      x.customer_id = customer;
      x.user_id = owner;
      c.interactions.push_back(std::move(x));
    }
    for (Task& t : gen.Tasks(i, created, in.now)) {
      t.customer_id = customer;
      t.assignee_user_id = owner;
      t.created_by = owner;
      if (t.status == "done") t.completed_by = owner;
      c.tasks.push_back(std::move(t));
    }
  }
  return c;
}

Result<int64_t> SeedPlans(PlanStore& plans, UnixSeconds now) {
  GX_ASSIGN_OR_RETURN(auto existing, plans.ListVisitPlans());
  if (!existing.empty()) return int64_t{0};
  struct Default {
    const char* name;
    const char* tier;
    int64_t days;
    const char* title;
    const char* priority;
  };
  static constexpr Default kDefaults[] = {
      {"战略客户月度回访", "strategic", 30, "战略客户月度回访", "high"},
      {"重要客户季度回访", "important", 90, "重要客户季度回访", "normal"},
      {"一般客户半年回访", "general", 180, "一般客户半年回访", "low"},
  };
  int64_t made = 0;
  for (const Default& d : kDefaults) {
    VisitPlan p;
    p.name = d.name;
    p.class_kind = "tier";
    p.class_value = d.tier;
    p.interval_days = d.days;
    p.position = (made + 1) * 10;
    p.task_title = d.title;
    p.priority = d.priority;
    p.created_at = p.updated_at = now;
    AuditEntry a;
    a.at = now;
    a.user_login = "demo";
    a.entity = "visit_plan";
    a.action = "create";
    GX_RETURN_IF_ERROR(plans.CreateVisitPlan(std::move(p), a).status());
    ++made;
  }
  return made;
}

}  // namespace

Result<DemoRelationshipCounts> WriteDemoRelationship(Store& store, const DemoDataGenerator& gen,
                                                     const DemoRelationshipInput& in) {
  DemoRelationshipCounts n;
  const auto count = static_cast<int64_t>(in.customer_ids.size());
  if (count > 0 && in.owner_ids.empty()) return Status::InvalidArgument("demo customers need owners");
  auto write = [&store, &n](Chunk c) -> Status {
    GX_RETURN_IF_ERROR(store.Interactions().InsertInteractionsBulk(c.interactions));
    GX_RETURN_IF_ERROR(store.Tasks().InsertTasksBulk(c.tasks));
    n.interactions += static_cast<int64_t>(c.interactions.size());
    for (const Task& t : c.tasks) (t.status == "open" ? n.open_tasks : n.done_tasks) += 1;
    return Status::Ok();
  };
  // Generate the next chunk while the previous one is written.
  std::future<Status> writing;
  for (int64_t first = 0; first < count; first += kChunk) {
    Chunk c = MakeChunk(gen, in, first, std::min(count, first + kChunk));
    if (writing.valid()) GX_RETURN_IF_ERROR(writing.get());
    writing = std::async(std::launch::async, write, std::move(c));
  }
  if (writing.valid()) GX_RETURN_IF_ERROR(writing.get());
  GX_ASSIGN_OR_RETURN(n.plans_created, SeedPlans(store.Plans(), in.now));
  return n;
}

}  // namespace guanxi
