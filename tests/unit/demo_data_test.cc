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
#include "domain/phone.h"

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

}  // namespace
}  // namespace guanxi
