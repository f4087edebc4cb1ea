#include "service/demo_data.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "domain/customer.h"
#include "domain/interaction.h"
#include "domain/phone.h"
#include "domain/sales.h"

namespace guanxi {
namespace {

constexpr int kSample = 10000;

// Every field of a customer as text, so equality failures show the difference.
std::string Describe(const Customer& c) {
  std::string s;
  s += "id=" + std::to_string(c.id) + " version=" + std::to_string(c.version);
  s += " kind=" + std::string(ToString(c.kind)) + " name=" + c.name;
  s += " industry=" + c.industry;
  s += " size=" + (c.size ? std::string(ToString(*c.size)) : std::string("-"));
  s += " province=" + c.province + " city=" + c.city + " source=" + c.source;
  s += " owner=" + (c.owner_user_id ? std::to_string(*c.owner_user_id) : std::string("-"));
  s += " rel=" + std::string(ToString(c.relationship));
  s += " level=" + std::string(ToString(c.relationship_level));
  s += " stage=" + std::string(ToString(c.lifecycle_stage));
  s += " tags=[";
  for (const auto& t : c.tags) s += t + ",";
  s += "] care=[";
  for (const auto& d : c.care_dates) s += d.kind + "/" + d.label + "/" + d.date + ",";
  s += "] phone=" + c.phone + " email=" + c.email + " notes=" + c.notes;
  s += " external_id=" + c.external_id + " archived=" + (c.archived ? "1" : "0");
  s += " created=" + std::to_string(c.created_at) + " updated=" + std::to_string(c.updated_at);
  return s;
}

std::string Describe(const Contact& c) {
  std::string s;
  s += "id=" + std::to_string(c.id) + " version=" + std::to_string(c.version);
  s += " customer_id=" + std::to_string(c.customer_id) + " name=" + c.name + " title=" + c.title;
  s += " phone=" + c.phone + " email=" + c.email + " wechat=" + c.wechat;
  s += " personality=" + (c.personality ? std::string(ToString(*c.personality)) : "-");
  s += " birthday=" + c.birthday + " notes=" + c.notes;
  s += " created=" + std::to_string(c.created_at) + " updated=" + std::to_string(c.updated_at);
  return s;
}

std::string Describe(const DemoCustomer& d) {
  std::string s = Describe(d.customer);
  for (const auto& ct : d.contacts) s += "\n  contact: " + Describe(ct);
  return s;
}

bool StartsWith(const std::string& s, std::string_view prefix) {
  return s.compare(0, prefix.size(), prefix) == 0;
}
// A CN mobile in E.164: +86 1[3-9]x xxxx xxxx (Beijing landlines are +8610...).
bool IsMobile(const std::string& p) {
  return p.size() == 14 && StartsWith(p, "+861") && p[4] >= '3' && p[4] <= '9';
}
bool EndsWith(const std::string& s, std::string_view suffix) {
  return s.size() >= suffix.size() &&
         s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

TEST(DemoData, DeterministicPerSeedAndIndex) {
  const DemoDataGenerator a;
  const DemoDataGenerator b(DemoDataGenerator::kDefaultSeed);
  // Out of order and repeated: no hidden state between calls.
  for (int64_t i : {0, 1, 2, 999999, 17, 1, 123456, 0}) {
    EXPECT_EQ(Describe(a.Make(i)), Describe(b.Make(i))) << "index " << i;
    EXPECT_EQ(Describe(a.Make(i)), Describe(a.Make(i))) << "index " << i;
    EXPECT_EQ(a.CreatedAt(i, 1'790'000'000), b.CreatedAt(i, 1'790'000'000));
  }
  // Chunks generated in either order give the same records.
  std::vector<std::string> forward, backward(200);
  for (int64_t i = 0; i < 200; ++i) forward.push_back(Describe(a.Make(i)));
  for (int64_t i = 199; i >= 0; --i) backward[static_cast<size_t>(i)] = Describe(b.Make(i));
  EXPECT_EQ(forward, backward);
}

TEST(DemoData, DifferentIndexOrSeedGivesDifferentCustomers) {
  const DemoDataGenerator a;
  const DemoDataGenerator other(12345);
  int same_name_neighbour = 0, same_as_other_seed = 0;
  for (int64_t i = 0; i < 1000; ++i) {
    const std::string name = a.Make(i).customer.name;
    if (name == a.Make(i + 1).customer.name) ++same_name_neighbour;
    if (name == other.Make(i).customer.name) ++same_as_other_seed;
  }
  EXPECT_LE(same_name_neighbour, 10);
  EXPECT_LE(same_as_other_seed, 10);
}

TEST(DemoData, FillsTheRightFields) {
  const DemoDataGenerator gen;
  for (int64_t i = 0; i < 2000; ++i) {
    const DemoCustomer d = gen.Make(i);
    const Customer& c = d.customer;
    SCOPED_TRACE(Describe(d));
    EXPECT_EQ(c.id, 0);
    EXPECT_EQ(c.version, 0);
    EXPECT_FALSE(c.owner_user_id.has_value());
    EXPECT_EQ(c.created_at, 0);
    EXPECT_EQ(c.updated_at, 0);
    EXPECT_FALSE(c.name.empty());
    EXPECT_FALSE(c.province.empty());
    EXPECT_FALSE(c.city.empty());
    EXPECT_FALSE(c.source.empty());
    char want_id[32];
    std::snprintf(want_id, sizeof want_id, "DEMO-%08lld", static_cast<long long>(i));
    EXPECT_EQ(c.external_id, want_id);
    EXPECT_LE(c.tags.size(), 3u);
    if (c.relationship == Relationship::kLost) {
      EXPECT_EQ(c.lifecycle_stage, LifecycleStage::kLost);
    } else {
      EXPECT_NE(c.lifecycle_stage, LifecycleStage::kLost);
    }
    if (c.kind == CustomerKind::kOrganization) {
      EXPECT_TRUE(c.size.has_value());
      EXPECT_FALSE(c.industry.empty());
      EXPECT_TRUE(EndsWith(c.name, "有限公司")) << c.name;
      // The city in the name is the customer's city: 杭州... or ...（杭州）有限公司.
      const std::string short_city = c.city.substr(0, c.city.size() - std::string("市").size());
      EXPECT_TRUE(StartsWith(c.name, short_city) ||
                  c.name.find("（" + short_city + "）") != std::string::npos)
          << c.name << " in " << c.city;
      EXPECT_LE(d.contacts.size(), 3u);
      std::set<std::string> titles;
      for (const Contact& ct : d.contacts) {
        EXPECT_EQ(ct.id, 0);
        EXPECT_EQ(ct.customer_id, 0);
        EXPECT_FALSE(ct.name.empty());
        EXPECT_FALSE(ct.title.empty());
        EXPECT_TRUE(titles.insert(ct.title).second) << "two contacts titled " << ct.title;
      }
    } else {
      EXPECT_FALSE(c.size.has_value());
      EXPECT_TRUE(d.contacts.empty());
      // 2 to 4 CJK characters (3 bytes each), compound surnames included.
      EXPECT_GE(c.name.size(), 6u);
      EXPECT_LE(c.name.size(), 12u);
    }
  }
}

TEST(DemoData, Distributions) {
  const DemoDataGenerator gen;
  int orgs = 0, phones = 0, emails = 0, care = 0, notes = 0, landlines = 0;
  std::map<Relationship, int> rel;
  std::map<std::string, int> sources;
  std::map<CompanySize, int> sizes;
  std::set<std::string> cities, industries;
  for (int64_t i = 0; i < kSample; ++i) {
    const Customer c = gen.Make(i).customer;
    orgs += c.kind == CustomerKind::kOrganization;
    phones += !c.phone.empty();
    landlines += !c.phone.empty() && !IsMobile(c.phone);
    emails += !c.email.empty();
    care += !c.care_dates.empty();
    notes += !c.notes.empty();
    ++rel[c.relationship];
    ++sources[c.source];
    if (c.size) ++sizes[*c.size];
    cities.insert(c.city);
    if (!c.industry.empty()) industries.insert(c.industry);
  }
  const auto share = [](int n) { return 100.0 * n / kSample; };
  EXPECT_GE(share(orgs), 60);
  EXPECT_LE(share(orgs), 80);
  EXPECT_GE(share(phones), 75);
  EXPECT_LE(share(phones), 95);
  EXPECT_GT(landlines, 0);
  EXPECT_GE(share(emails), 50);
  EXPECT_LE(share(emails), 70);
  EXPECT_GE(share(care), 15);
  EXPECT_LE(share(care), 35);
  EXPECT_GE(share(notes), 30);
  EXPECT_LE(share(notes), 50);
  EXPECT_NEAR(share(rel[Relationship::kCurrent]), 40, 4);
  EXPECT_NEAR(share(rel[Relationship::kPotential]), 30, 4);
  EXPECT_NEAR(share(rel[Relationship::kTarget]), 15, 3);
  EXPECT_NEAR(share(rel[Relationship::kLost]), 10, 3);
  EXPECT_NEAR(share(rel[Relationship::kNon]), 5, 2);
  // Referral and self-development are the commonest sources; all sources occur.
  EXPECT_EQ(sources.size(), CustomerSourceNames().size());
  for (const auto& [name, n] : sources) {
    if (name != "referral" && name != "self_developed") {
      EXPECT_LT(n, sources["referral"]) << name;
      EXPECT_LT(n, sources["self_developed"]) << name;
    }
  }
  // Mostly small and micro companies.
  EXPECT_GT(sizes[CompanySize::kMicro] + sizes[CompanySize::kSmall], orgs / 2);
  EXPECT_LT(sizes[CompanySize::kEnterprise], sizes[CompanySize::kLarge]);
  EXPECT_GE(cities.size(), 25u);
  EXPECT_GE(industries.size(), 15u);
}

TEST(DemoData, NamesAreMostlyDistinct) {
  const DemoDataGenerator gen;
  std::set<std::string> names;
  for (int64_t i = 0; i < kSample; ++i) names.insert(gen.Make(i).customer.name);
  EXPECT_GE(names.size(), kSample * 95 / 100);
}

TEST(DemoData, PassesValidationUnchanged) {
  const DemoDataGenerator gen;
  for (int64_t i = 0; i < kSample; ++i) {
    const DemoCustomer d = gen.Make(i);
    Customer c = d.customer;
    const Status s = NormalizeCustomer(c);
    ASSERT_TRUE(s.ok()) << s.ToString() << "\n" << Describe(d.customer);
    ASSERT_EQ(Describe(c), Describe(d.customer));
    for (const Contact& original : d.contacts) {
      Contact want = original;
      want.customer_id = 1;
      Contact ct = want;
      const Status cs = NormalizeContact(ct);
      ASSERT_TRUE(cs.ok()) << cs.ToString() << "\n" << Describe(want);
      ASSERT_EQ(Describe(ct), Describe(want));
    }
  }
}

TEST(DemoData, PhonesAreValid) {
  const DemoDataGenerator gen;
  int checked = 0;
  for (int64_t i = 0; i < kSample; ++i) {
    const DemoCustomer d = gen.Make(i);
    std::vector<std::string> phones;
    if (!d.customer.phone.empty()) phones.push_back(d.customer.phone);
    for (const Contact& ct : d.contacts) {
      if (!ct.phone.empty()) phones.push_back(ct.phone);
      // Contacts have mobiles only.
      if (!ct.phone.empty()) {
        EXPECT_TRUE(IsMobile(ct.phone)) << ct.phone;
      }
    }
    for (const std::string& p : phones) {
      ++checked;
      const Result<std::string> n = NormalizePhone(p);
      ASSERT_TRUE(n.ok()) << p << ": " << n.status().message();
      EXPECT_EQ(*n, p);
    }
    // A landline's area code is the customer's city.
    const std::string& phone = d.customer.phone;
    if (!phone.empty() && !IsMobile(phone)) {
      EXPECT_EQ(d.customer.kind, CustomerKind::kOrganization);
      EXPECT_NE(PhoneRegion(phone).find(d.customer.city), std::string::npos)
          << phone << " " << PhoneRegion(phone) << " vs " << d.customer.city;
    }
  }
  EXPECT_GT(checked, kSample);
}

TEST(DemoData, TagsAndDatesAreConsistent) {
  const DemoDataGenerator gen;
  const std::set<std::string> regions = {"华东区", "华南区", "华北区", "华中区",
                                         "西南区", "西北区", "东北区"};
  std::map<std::string, std::string> region_of_province;
  int region_tags = 0;
  for (int64_t i = 0; i < kSample; ++i) {
    const DemoCustomer d = gen.Make(i);
    const Customer& c = d.customer;
    int regions_here = 0;
    for (const std::string& t : c.tags) {
      if (!regions.count(t)) continue;
      ++regions_here;
      ++region_tags;
      auto [it, inserted] = region_of_province.emplace(c.province, t);
      EXPECT_EQ(it->second, t) << c.province << " tagged both " << it->second << " and " << t;
    }
    EXPECT_LE(regions_here, 1);
    if (std::count(c.tags.begin(), c.tags.end(), "展会线索")) {
      EXPECT_EQ(c.source, "exhibition");
    }
    if (std::count(c.tags.begin(), c.tags.end(), "老客户")) {
      EXPECT_TRUE(c.relationship == Relationship::kCurrent ||
                  c.relationship == Relationship::kLost);
    }
    for (const CareDate& cd : c.care_dates) {
      EXPECT_EQ(cd.date.size(), 5u) << cd.date;  // "MM-DD"
      EXPECT_TRUE(IsValidCareDate(cd.date)) << cd.date;
      EXPECT_FALSE(cd.label.empty());
    }
    for (const Contact& ct : d.contacts) {
      if (!ct.birthday.empty()) {
        EXPECT_TRUE(IsValidCareDate(ct.birthday)) << ct.birthday;
      }
    }
  }
  EXPECT_GT(region_tags, kSample / 10);
  EXPECT_EQ(region_of_province["浙江省"], "华东区");
  EXPECT_EQ(region_of_province["广东省"], "华南区");
  EXPECT_EQ(region_of_province["四川省"], "西南区");
}

TEST(DemoData, CreatedAtSpreadsOverThePastThreeYears) {
  const DemoDataGenerator gen;
  const UnixSeconds now = 1'795'000'000;  // 2026-11-19
  constexpr int64_t kDay = 86400;
  UnixSeconds oldest = now, newest = 0;
  int last_year = 0, weekend = 0;
  for (int64_t i = 0; i < kSample; ++i) {
    const UnixSeconds t = gen.CreatedAt(i, now);
    ASSERT_LE(t, now);
    ASSERT_GE(t, now - (3 * 365 + 4) * kDay);
    EXPECT_EQ(t, gen.CreatedAt(i, now));
    oldest = std::min(oldest, t);
    newest = std::max(newest, t);
    last_year += t > now - 365 * kDay;
    const int64_t local_day = (t + 8 * 3600) / kDay;
    const int64_t weekday = (local_day + 4) % 7;  // 0 = Sunday
    weekend += weekday == 0 || weekday == 6;
  }
  EXPECT_LT(oldest, now - 1000 * kDay);
  EXPECT_GT(newest, now - 7 * kDay);
  EXPECT_GT(last_year, kSample / 3);  // more recent customers
  EXPECT_LT(weekend, kSample / 10);   // mostly working days
}


// ---- sales ---------------------------------------------------------------------

constexpr UnixSeconds kSalesNow = 1'795'996'800;  // 2026-11-30 08:00 +08:00

std::string Describe(const DemoOrder& d) {
  const Order& o = d.order;
  std::string s = o.external_id + " at=" + std::to_string(o.ordered_at) + " channel=" +
                  std::string(ToString(o.channel)) + " status=" + std::string(ToString(o.status)) +
                  " total=" + std::to_string(o.total);
  for (size_t i = 0; i < o.lines.size(); ++i) {
    s += " [" + std::to_string(d.line_products[i]) + " " + o.lines[i].description + " x" +
         std::to_string(o.lines[i].quantity) + " @" + std::to_string(o.lines[i].unit_price) + "]";
  }
  return s;
}

std::string Describe(const DemoOpportunity& d) {
  const Opportunity& o = d.opportunity;
  std::string s = "customer#" + std::to_string(d.customer_index) + " " + o.title + " amount=" +
                  std::to_string(o.amount) + " stage=" + o.stage + " close=" + o.expected_close +
                  " closed_on=" + o.closed_on + " loss=" + o.loss_reason + " man=" +
                  AdviseMan(o.money, o.authority, o.need).code + " competitor=" + o.competitor +
                  " next=" + o.next_step + " entered=" + std::to_string(o.stage_entered_at);
  for (const auto& e : d.events) {
    s += "\n  " + std::to_string(e.at) + " " + e.kind + " " + e.from_stage + "->" + e.to_stage + " " +
         std::to_string(e.amount) + " " + e.expected_close;
  }
  return s;
}

std::vector<DemoOrder> OrdersOf(const DemoDataGenerator& gen, int64_t i, const DemoOrderPlan& plan) {
  return gen.Orders(i, gen.CreatedAt(i, kSalesNow), kSalesNow, plan);
}

TEST(DemoSales, ProductsPassValidationAndHaveUniqueCodes) {
  std::set<std::string> codes;
  for (const Product& p : DemoProducts()) {
    Product copy = p;
    ASSERT_TRUE(NormalizeProduct(copy).ok()) << p.code;
    EXPECT_EQ(copy.code, p.code);
    EXPECT_EQ(copy.name, p.name);
    EXPECT_GT(p.list_price, 0);
    EXPECT_TRUE(codes.insert(p.code).second) << p.code;
  }
  EXPECT_GE(codes.size(), 20u);
}

TEST(DemoSales, OrdersAreDeterministicAndValid) {
  const DemoDataGenerator gen;
  const DemoOrderPlan plan = gen.PlanOrders(10.0, kSalesNow);
  EXPECT_EQ(plan.scale_pct, gen.PlanOrders(10.0, kSalesNow).scale_pct);
  std::set<std::string> ids;
  for (int64_t i : {5, 0, 77, 5, 123456}) {
    const auto a = OrdersOf(gen, i, plan), b = OrdersOf(DemoDataGenerator(), i, plan);
    ASSERT_EQ(a.size(), b.size());
    for (size_t k = 0; k < a.size(); ++k) EXPECT_EQ(Describe(a[k]), Describe(b[k]));
  }
  for (int64_t i = 0; i < 2000; ++i) {
    const UnixSeconds created = gen.CreatedAt(i, kSalesNow);
    UnixSeconds previous = 0;
    for (const DemoOrder& d : gen.Orders(i, created, kSalesNow, plan)) {
      Order o = d.order;
      o.customer_id = 1;
      const Order before = o;
      ASSERT_TRUE(NormalizeOrder(o).ok()) << Describe(d) << " " << NormalizeOrder(o).ToString();
      EXPECT_EQ(o.total, before.total) << Describe(d);
      ASSERT_EQ(d.line_products.size(), o.lines.size());
      ASSERT_FALSE(o.lines.empty());
      for (size_t k = 0; k < o.lines.size(); ++k) {
        EXPECT_EQ(o.lines[k].description, DemoProducts()[d.line_products[k]].name);
        EXPECT_LE(o.lines[k].unit_price, DemoProducts()[d.line_products[k]].list_price);
      }
      EXPECT_GE(o.ordered_at, created);
      EXPECT_LE(o.ordered_at, kSalesNow);
      EXPECT_GE(o.ordered_at, previous);
      previous = o.ordered_at;
      EXPECT_TRUE(StartsWith(o.external_id, gen.Make(i).customer.external_id + "-")) << o.external_id;
      EXPECT_TRUE(ids.insert(o.external_id).second) << o.external_id;
    }
  }
}

TEST(DemoSales, PlanHitsTheMeanAndBehaviourIsRealistic) {
  const DemoDataGenerator gen;
  const DemoOrderPlan plan = gen.PlanOrders(10.0, kSalesNow);
  // A sample the plan was not calibrated on.
  constexpr int64_t kFirst = 500000, kCount = 4000;
  int64_t orders = 0, buyers = 0, repeat = 0, lapsed = 0, refunded = 0, multi_line = 0;
  std::map<unsigned, int64_t> by_month;
  for (int64_t i = kFirst; i < kFirst + kCount; ++i) {
    const auto v = OrdersOf(gen, i, plan);
    orders += static_cast<int64_t>(v.size());
    if (v.empty()) continue;
    ++buyers;
    if (v.size() >= 2) {
      ++repeat;
      // Churned: bought repeatedly, then not for the last year.
      if (kSalesNow - v.back().order.ordered_at > 365 * 86400) ++lapsed;
    }
    for (const auto& d : v) {
      refunded += d.order.status == OrderStatus::kRefunded;
      multi_line += d.order.lines.size() > 1;
      const int64_t local_day = (d.order.ordered_at + 8 * 3600) / 86400;
      const auto ymd = std::chrono::year_month_day{std::chrono::sys_days{std::chrono::days{local_day}}};
      ++by_month[static_cast<unsigned>(ymd.month())];
    }
  }
  const double mean = static_cast<double>(orders) / kCount;
  EXPECT_GT(mean, 9.0);
  EXPECT_LT(mean, 11.0);
  EXPECT_GT(buyers, kCount * 65 / 100);  // about a fifth never bought
  EXPECT_LT(buyers, kCount * 90 / 100);
  EXPECT_GT(repeat, buyers / 2);
  EXPECT_GT(lapsed, repeat / 20);
  EXPECT_GT(refunded, 0);
  EXPECT_GT(multi_line, orders / 10);
  EXPECT_GT(by_month[11], by_month[2] * 3 / 2);  // Double 11 vs Spring Festival
}

TEST(DemoSales, OpportunitiesAreDeterministicConsistentAndValid) {
  const DemoDataGenerator gen;
  constexpr int64_t kCustomers = 1'000'000, kCount = 3000;
  EXPECT_EQ(Describe(gen.MakeOpportunity(42, kCustomers, kSalesNow)),
            Describe(DemoDataGenerator().MakeOpportunity(42, kCustomers, kSalesNow)));
  const std::string today = BusinessDay(kSalesNow);
  const Quarter q = QuarterOf(today);
  const Quarter next = QuarterOf(AddDays(q.last_day, 1));
  std::map<std::string, int> by_stage;
  int open = 0, open_soon = 0, moved_back = 0, organisations = 0;
  for (int64_t i = 0; i < kCount; ++i) {
    const DemoOpportunity d = gen.MakeOpportunity(i, kCustomers, kSalesNow);
    Opportunity o = d.opportunity;
    o.customer_id = 1;
    ASSERT_TRUE(NormalizeOpportunity(o).ok()) << Describe(d);
    EXPECT_EQ(o.title, d.opportunity.title);
    ASSERT_GE(d.customer_index, 0);
    ASSERT_LT(d.customer_index, kCustomers);
    organisations += gen.Make(d.customer_index).customer.kind == CustomerKind::kOrganization;
    EXPECT_GE(o.created_at, gen.CreatedAt(d.customer_index, kSalesNow) - 86400);
    ++by_stage[o.stage];
    // The history: a create, then moves that chain up to the current stage.
    ASSERT_FALSE(d.events.empty());
    EXPECT_EQ(d.events.front().kind, "create");
    EXPECT_EQ(d.events.front().at, o.created_at);
    EXPECT_EQ(d.events.back().at, o.updated_at);
    std::string stage = d.events.front().to_stage;
    for (size_t k = 1; k < d.events.size(); ++k) {
      const OpportunityEvent& e = d.events[k];
      EXPECT_GE(e.at, d.events[k - 1].at) << Describe(d);
      EXPECT_LE(e.at, kSalesNow);
      if (e.kind == "stage") {
        EXPECT_EQ(e.from_stage, stage) << Describe(d);
        moved_back += e.from_stage > "" && e.to_stage < e.from_stage && e.to_stage != "lost" &&
                      e.from_stage != "won";
      } else {
        EXPECT_EQ(e.kind, "update");
      }
      stage = e.to_stage;
    }
    EXPECT_EQ(stage, o.stage) << Describe(d);
    EXPECT_EQ(d.events.back().expected_close, o.expected_close) << Describe(d);
    if (o.stage == "won" || o.stage == "lost") {
      EXPECT_TRUE(IsValidDate(o.closed_on)) << Describe(d);
      EXPECT_LE(o.closed_on, today);
      EXPECT_EQ(o.loss_reason.empty(), o.stage == "won") << Describe(d);
    } else {
      ++open;
      EXPECT_TRUE(o.closed_on.empty());
      EXPECT_GE(o.expected_close, today) << Describe(d);
      if (o.expected_close <= next.last_day) ++open_soon;
      EXPECT_FALSE(o.next_step.empty());
    }
  }
  EXPECT_GT(organisations, kCount * 95 / 100);
  EXPECT_GT(open, kCount / 6);
  EXPECT_LT(open, kCount * 2 / 3);
  EXPECT_GT(open_soon, open * 8 / 10);  // most open ones close this quarter or the next
  EXPECT_GT(by_stage["won"], kCount / 30);  // ~5 % win from the first stage, a fifth still open
  EXPECT_GT(by_stage["lost"], by_stage["won"]);
  for (const auto& st : DefaultStages()) EXPECT_GT(by_stage[st.key], 0) << st.key;
  EXPECT_GT(moved_back, 0);
}

TEST(DemoSales, RepsTargetsAndPaymentPlans) {
  const DemoDataGenerator gen;
  const DemoRep a = gen.MakeRep(0), b = gen.MakeRep(1);
  EXPECT_EQ(a.login, "rep.0001");
  EXPECT_EQ(gen.MakeRep(0).display_name, a.display_name);
  EXPECT_NE(a.team, b.team);
  EXPECT_FALSE(a.display_name.empty());

  const int64_t t = gen.TargetFor(7, "2026Q4", 123'456'789);
  EXPECT_EQ(t, gen.TargetFor(7, "2026Q4", 123'456'789));
  EXPECT_EQ(t % 1'000'000, 0);  // whole 万元
  EXPECT_GE(t, int64_t{123'456'789} * 85 / 100);
  EXPECT_LE(t, int64_t{123'456'789} * 125 / 100 + 1'000'000);
  EXPECT_EQ(gen.TargetFor(7, "2026Q4", 0), 10'000'000);

  for (int64_t i = 0; i < 300; ++i) {
    Opportunity won;
    won.id = i + 1;
    won.amount = 1'234'500 + i * 99'900;
    won.stage = "won";
    won.closed_on = AddDays("2026-06-01", static_cast<int>(i));
    won.expected_close = won.closed_on;
    const std::vector<Instalment> plan = gen.PaymentPlan(won);
    ASSERT_GE(plan.size(), 2u);
    int64_t sum = 0;
    for (Instalment in : plan) {
      ASSERT_TRUE(NormalizeInstalment(in).ok());
      EXPECT_EQ(in.opportunity_id, won.id);
      EXPECT_GE(in.due_on, won.closed_on);
      sum += in.amount;
    }
    EXPECT_EQ(sum, won.amount);
    int64_t received = 0;
    for (Receipt r : gen.Receipts(won, plan, "2026-12-01")) {
      ASSERT_TRUE(NormalizeReceipt(r).ok()) << r.method;
      EXPECT_LE(r.received_on, "2026-12-01");
      received += r.amount;
    }
    EXPECT_LE(received, won.amount);
  }
}

TEST(DemoSales, OrderCsvRowsFollowTheImportFormat) {
  const DemoDataGenerator gen;
  DemoOrder d;
  d.order.external_id = "DEMO-00000001-001";
  d.order.ordered_at = 1'796'083'200;  // 2026-12-01T00:00:00Z
  d.order.channel = OrderChannel::kWechat;
  d.order.status = OrderStatus::kPaid;
  OrderLine l1{std::nullopt, "x", 3, 12500, 0};
  OrderLine l2{std::nullopt, "y", 1, 45905, 0};
  d.order.lines = {l1, l2};
  d.order.total = 3 * 12500 + 45905;
  d.line_products = {11, 9};
  std::string out;
  AppendDemoOrderCsv(out, "DEMO-00000001", d);
  EXPECT_EQ(out,
            "DEMO-00000001,DEMO-00000001-001,2026-12-01T00:00:00Z,834.05,GX-PPR-01,3,125.00,wechat,paid\n"
            "DEMO-00000001,DEMO-00000001-001,2026-12-01T00:00:00Z,834.05,GX-TNR-01,1,459.05,wechat,paid\n");
  EXPECT_EQ(DemoOrderCsvHeader(),
            "customer_external_id,order_id,ordered_at,amount,product_code,quantity,unit_price,channel,status\n");
}

// ---- relationship work ----

// 2026-11-23 10:00 Asia/Shanghai.
constexpr UnixSeconds kRelNow = 1795399200;

std::string DescribeInteractions(const std::vector<Interaction>& v) {
  std::string s;
  for (const Interaction& i : v) {
    s += i.channel + "/" + i.direction + "/" + std::to_string(i.at) + "/" + i.subject + "/" + i.outcome + "/" +
         (i.duration_minutes ? std::to_string(*i.duration_minutes) : "-") + ";";
  }
  return s;
}

TEST(DemoRelationship, InteractionsAreDeterministicValidAndNeverInTheFuture) {
  DemoDataGenerator gen, other(7);
  std::map<std::string, int> channels;
  int64_t total = 0, buyers = 0, buyer_total = 0, non_buyers = 0, non_buyer_total = 0;
  for (int64_t i = 0; i < 2000; ++i) {
    const UnixSeconds created = gen.CreatedAt(i, kRelNow);
    const int64_t purchases = i % 3 == 0 ? 0 : i % 7;
    const auto a = gen.Interactions(i, created, kRelNow, purchases);
    const auto b = gen.Interactions(i, created, kRelNow, purchases);
    ASSERT_EQ(DescribeInteractions(a), DescribeInteractions(b)) << i;
    ASSERT_LE(a.size(), 12u);
    (purchases > 0 ? buyers : non_buyers) += 1;
    (purchases > 0 ? buyer_total : non_buyer_total) += static_cast<int64_t>(a.size());
    UnixSeconds last = 0;
    for (Interaction x : a) {
      EXPECT_LE(x.at, kRelNow);
      EXPECT_GE(x.at, created);
      EXPECT_GE(x.at, last);  // oldest first
      last = x.at;
      EXPECT_EQ(x.created_at, x.at);
      EXPECT_FALSE(x.subject.empty());
      x.customer_id = 1;
      x.user_id = 2;
      const Interaction before = x;
      ASSERT_TRUE(ValidateInteraction(x, kRelNow).ok()) << x.subject;
      EXPECT_EQ(x, before);  // nothing to trim
      channels[x.channel]++;
      ++total;
    }
  }
  EXPECT_NE(DescribeInteractions(gen.Interactions(5, gen.CreatedAt(5, kRelNow), kRelNow, 4)),
            DescribeInteractions(other.Interactions(5, gen.CreatedAt(5, kRelNow), kRelNow, 4)));
  // Buyers are contacted more; phone leads, then WeChat; every channel appears.
  EXPECT_GT(buyer_total * non_buyers, 2 * non_buyer_total * buyers);
  EXPECT_GT(channels["phone"], channels["wechat"]);
  EXPECT_GT(channels["wechat"], channels["email"]);
  EXPECT_EQ(channels.size(), 8u);
  EXPECT_GT(total, 5000);
  // A customer created just now has nothing in the future either.
  for (const Interaction& x : gen.Interactions(3, kRelNow, kRelNow, 5)) EXPECT_EQ(x.at, kRelNow);
}

TEST(DemoRelationship, TasksAreDueRelativeToNow) {
  DemoDataGenerator gen;
  const std::string today = BusinessDay(kRelNow);
  int overdue = 0, due_today = 0, upcoming = 0, done = 0;
  for (int64_t i = 0; i < 3000; ++i) {
    const UnixSeconds created = gen.CreatedAt(i, kRelNow);
    const auto tasks = gen.Tasks(i, created, kRelNow);
    ASSERT_EQ(tasks, gen.Tasks(i, created, kRelNow)) << i;
    int open = 0;
    for (const Task& t : tasks) {
      EXPECT_EQ(t.origin, "manual");
      EXPECT_FALSE(t.dedupe_key);
      EXPECT_FALSE(t.title.empty());
      EXPECT_GE(t.created_at, created);
      EXPECT_LE(t.created_at, kRelNow);
      EXPECT_LE(t.updated_at, kRelNow);
      if (t.status == "open") {
        ++open;
        EXPECT_EQ(t.kind, "follow_up");
        EXPECT_FALSE(t.completed_at);
        const int days = DaysBetween(today, t.due_day);
        EXPECT_GE(days, -14) << t.due_day;
        EXPECT_LE(days, 21) << t.due_day;
        (days < 0 ? overdue : days == 0 ? due_today : upcoming) += 1;
      } else {
        ASSERT_EQ(t.status, "done");
        ++done;
        ASSERT_TRUE(t.completed_at);
        EXPECT_GE(*t.completed_at, t.created_at);
        EXPECT_LE(*t.completed_at, kRelNow);
        EXPECT_LT(t.due_day, today);
        EXPECT_FALSE(t.completion_note.empty());
      }
    }
    EXPECT_LE(open, 1);
  }
  // About a third of the customers have an open follow-up: 30 % overdue, 20 %
  // today, 50 % ahead.
  const int open_total = overdue + due_today + upcoming;
  EXPECT_GT(open_total, 3000 * 30 / 100);
  EXPECT_LT(open_total, 3000 * 40 / 100);
  EXPECT_NEAR(overdue, open_total * 0.30, open_total * 0.06);
  EXPECT_NEAR(due_today, open_total * 0.20, open_total * 0.06);
  EXPECT_GT(done, 1500);
}

}  // namespace
}  // namespace guanxi
