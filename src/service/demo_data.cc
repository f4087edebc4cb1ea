#include "service/demo_data.h"

#include <algorithm>
#include <cmath>
#include <array>
#include <chrono>
#include <cstddef>
#include <cstdio>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace guanxi {
namespace {

// ---- Counter-based PRNG ------------------------------------------------------
//
// splitmix64 turns (seed, index, stream) into a well-mixed 64-bit state; a
// xorshift64* stream then yields the draws of one record. Only integer
// arithmetic with fixed widths, so the output is the same on every platform.

uint64_t SplitMix64(uint64_t& x) {
  x += 0x9E3779B97F4A7C15ULL;
  uint64_t z = x;
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

// Streams: one per independent use, so changing the customer generator does not
// move the creation times and vice versa.
constexpr uint64_t kStreamCustomer = 0;
constexpr uint64_t kStreamCreatedAt = 1;
constexpr uint64_t kStreamOrderTimes = 2;
constexpr uint64_t kStreamOrderContent = 3;
constexpr uint64_t kStreamOpportunity = 4;
constexpr uint64_t kStreamRep = 5;
constexpr uint64_t kStreamTarget = 6;
constexpr uint64_t kStreamPayment = 7;
constexpr uint64_t kStreamPotential = 8;
constexpr uint64_t kStreamCompanion = 9;
constexpr uint64_t kStreamInteraction = 10;
constexpr uint64_t kStreamTask = 11;

class Rng {
 public:
  Rng(uint64_t seed, int64_t index, uint64_t stream) {
    uint64_t s = seed;
    uint64_t x = SplitMix64(s) ^ (static_cast<uint64_t>(index) * 0xD1B54A32D192ED03ULL) ^
                 (stream * 0x8CB92BA72F3D8DD7ULL);
    state_ = SplitMix64(x);
    if (state_ == 0) state_ = 0x2545F4914F6CDD1DULL;  // xorshift must not start at 0
  }

  uint64_t Next() {
    state_ ^= state_ >> 12;
    state_ ^= state_ << 25;
    state_ ^= state_ >> 27;
    return state_ * 0x2545F4914F6CDD1DULL;
  }

  // Uniform in [0, n) for 0 < n < 2^32 (multiply-shift on the high 32 bits; the
  // bias is below n / 2^32, invisible for tables of this size).
  uint32_t Below(uint32_t n) { return static_cast<uint32_t>(((Next() >> 32) * n) >> 32); }
  // Uniform in [lo, hi].
  int Between(int lo, int hi) {
    return lo + static_cast<int>(Below(static_cast<uint32_t>(hi - lo + 1)));
  }
  // True with probability percent / 100.
  bool Percent(uint32_t percent) { return Below(100) < percent; }

  void AppendDigits(std::string& out, int n) {
    for (int i = 0; i < n; ++i) out += static_cast<char>('0' + Below(10));
  }

 private:
  uint64_t state_;
};

template <typename T, size_t N>
constexpr uint32_t TotalWeight(const T (&table)[N]) {
  uint32_t total = 0;
  for (const T& e : table) total += e.weight;
  return total;
}

// A weighted draw from a static table of entries with a `weight` member.
template <const auto& kTable>
const auto& Pick(Rng& r) {
  static constexpr uint32_t kTotal = TotalWeight(kTable);
  static_assert(kTotal > 0);
  uint32_t x = r.Below(kTotal);
  for (const auto& e : kTable) {
    if (x < e.weight) return e;
    x -= e.weight;
  }
  return kTable[0];  // unreachable
}

// A uniform draw from a static table.
template <typename T, size_t N>
const T& PickAny(Rng& r, const T (&table)[N]) {
  return table[r.Below(static_cast<uint32_t>(N))];
}

// An index drawn with the given weights (at least one positive).
template <size_t N>
size_t PickIndex(Rng& r, const std::array<uint32_t, N>& weights) {
  uint32_t total = 0;
  for (uint32_t w : weights) total += w;
  uint32_t x = r.Below(total);
  for (size_t i = 0; i < N; ++i) {
    if (x < weights[i]) return i;
    x -= weights[i];
  }
  return 0;
}

// ---- Places ------------------------------------------------------------------

struct City {
  std::string_view province;    // as PhoneRegion spells it: "浙江省", "上海市"
  std::string_view city;        // "杭州市"
  std::string_view short_name;  // "杭州", the prefix of company names
  std::string_view abbr;        // pinyin initials, for company domains
  std::string_view area_code;   // landline area code without the trunk 0
  int local_digits;             // landline subscriber number length
  std::string_view leads;       // plausible first digits of a subscriber number
  std::string_view region;      // sales-region tag
  uint32_t weight;              // roughly the city's share of SME activity
};

constexpr std::string_view kLeads = "2345678";

constexpr City kCities[] = {
    {"上海市", "上海市", "上海", "sh", "21", 8, "56", "华东区", 90},
    {"北京市", "北京市", "北京", "bj", "10", 8, "56", "华北区", 80},
    {"广东省", "深圳市", "深圳", "sz", "755", 8, "238", "华南区", 80},
    {"广东省", "广州市", "广州", "gz", "20", 8, "3836", "华南区", 65},
    {"浙江省", "杭州市", "杭州", "hz", "571", 8, "8685", "华东区", 65},
    {"江苏省", "苏州市", "苏州", "sz", "512", 8, "6", "华东区", 50},
    {"四川省", "成都市", "成都", "cd", "28", 8, "868", "西南区", 50},
    {"江苏省", "南京市", "南京", "nj", "25", 8, "58", "华东区", 40},
    {"湖北省", "武汉市", "武汉", "wh", "27", 8, "858", "华中区", 40},
    {"重庆市", "重庆市", "重庆", "cq", "23", 8, "678", "西南区", 38},
    {"浙江省", "宁波市", "宁波", "nb", "574", 8, "8", "华东区", 32},
    {"广东省", "东莞市", "东莞", "dg", "769", 8, "28", "华南区", 32},
    {"广东省", "佛山市", "佛山", "fs", "757", 8, "8", "华南区", 30},
    {"天津市", "天津市", "天津", "tj", "22", 8, "2586", "华北区", 30},
    {"陕西省", "西安市", "西安", "xa", "29", 8, "8", "西北区", 30},
    {"湖南省", "长沙市", "长沙", "cs", "731", 8, "8", "华中区", 30},
    {"河南省", "郑州市", "郑州", "zz", "371", 8, "56", "华中区", 30},
    {"山东省", "青岛市", "青岛", "qd", "532", 8, "8", "华东区", 28},
    {"安徽省", "合肥市", "合肥", "hf", "551", 8, "6", "华东区", 25},
    {"江苏省", "无锡市", "无锡", "wx", "510", 8, "8", "华东区", 22},
    {"福建省", "厦门市", "厦门", "xm", "592", 7, "5", "华东区", 20},
    {"福建省", "福州市", "福州", "fz", "591", 8, "8", "华东区", 18},
    {"山东省", "济南市", "济南", "jn", "531", 8, "8", "华东区", 20},
    {"浙江省", "温州市", "温州", "wz", "577", 8, "8", "华东区", 18},
    {"福建省", "泉州市", "泉州", "qz", "595", 8, "2", "华东区", 16},
    {"辽宁省", "大连市", "大连", "dl", "411", 8, "8", "东北区", 16},
    {"辽宁省", "沈阳市", "沈阳", "sy", "24", 8, "2", "东北区", 15},
    {"云南省", "昆明市", "昆明", "km", "871", 8, "6", "西南区", 14},
    {"江西省", "南昌市", "南昌", "nc", "791", 8, "8", "华东区", 13},
    {"贵州省", "贵阳市", "贵阳", "gy", "851", 8, "8", "西南区", 10},
    {"广西壮族自治区", "南宁市", "南宁", "nn", "771", 7, kLeads, "华南区", 10},
    {"河北省", "石家庄市", "石家庄", "sjz", "311", 8, "8", "华北区", 10},
    {"山西省", "太原市", "太原", "ty", "351", 7, kLeads, "华北区", 9},
    {"黑龙江省", "哈尔滨市", "哈尔滨", "hrb", "451", 8, "8", "东北区", 9},
    {"吉林省", "长春市", "长春", "cc", "431", 8, "8", "东北区", 8},
};

// ---- Organisation names ------------------------------------------------------

struct Syllable {
  std::string_view han;
  std::string_view pinyin;
};

// First and second characters of a two-character brand (字号).
constexpr Syllable kBrandFirst[] = {
    {"云", "yun"},   {"华", "hua"},    {"瑞", "rui"},  {"博", "bo"},    {"信", "xin"},
    {"达", "da"},    {"恒", "heng"},   {"泰", "tai"},  {"宏", "hong"},  {"鑫", "xin"},
    {"盛", "sheng"}, {"天", "tian"},   {"海", "hai"},  {"嘉", "jia"},   {"润", "run"},
    {"金", "jin"},   {"中", "zhong"},  {"东", "dong"}, {"新", "xin"},   {"美", "mei"},
    {"立", "li"},    {"创", "chuang"}, {"永", "yong"}, {"正", "zheng"}, {"明", "ming"},
    {"百", "bai"},   {"汇", "hui"},    {"力", "li"},   {"宇", "yu"},    {"晨", "chen"},
    {"卓", "zhuo"},  {"凯", "kai"},    {"锦", "jin"},  {"易", "yi"},    {"联", "lian"},
    {"安", "an"},    {"合", "he"},     {"同", "tong"}, {"星", "xing"},  {"光", "guang"},
    {"智", "zhi"},   {"德", "de"},     {"万", "wan"},  {"长", "chang"}, {"国", "guo"},
    {"富", "fu"},    {"启", "qi"},     {"思", "si"},   {"亿", "yi"},    {"优", "you"},
    {"领", "ling"},  {"精", "jing"},   {"捷", "jie"},  {"坤", "kun"},   {"浩", "hao"},
};

constexpr Syllable kBrandSecond[] = {
    {"栖", "qi"},   {"华", "hua"},   {"达", "da"},    {"泰", "tai"},  {"通", "tong"},
    {"源", "yuan"}, {"丰", "feng"},  {"诚", "cheng"}, {"信", "xin"},  {"远", "yuan"},
    {"辉", "hui"},  {"盛", "sheng"}, {"宇", "yu"},    {"联", "lian"}, {"创", "chuang"},
    {"腾", "teng"}, {"成", "cheng"}, {"博", "bo"},    {"瑞", "rui"},  {"祥", "xiang"},
    {"隆", "long"}, {"兴", "xing"},  {"帆", "fan"},   {"峰", "feng"}, {"川", "chuan"},
    {"林", "lin"},  {"晟", "sheng"}, {"航", "hang"},  {"邦", "bang"}, {"捷", "jie"},
    {"锐", "rui"},  {"恒", "heng"},  {"和", "he"},    {"泽", "ze"},   {"德", "de"},
    {"益", "yi"},   {"康", "kang"},  {"鼎", "ding"},  {"顺", "shun"}, {"宏", "hong"},
    {"润", "run"},  {"迪", "di"},    {"拓", "tuo"},   {"佳", "jia"},  {"鸿", "hong"},
    {"越", "yue"},  {"朗", "lang"},  {"科", "ke"},    {"智", "zhi"},  {"昌", "chang"},
    {"弘", "hong"}, {"晖", "hui"},   {"璟", "jing"},  {"新", "xin"},  {"茂", "mao"},
};

struct Industry {
  std::string_view word;      // in the company name
  std::string_view industry;  // the customer's industry field
  uint32_t weight;
};

constexpr Industry kIndustries[] = {
    {"科技", "信息技术", 18},        {"网络科技", "互联网", 8},
    {"信息技术", "信息技术", 5},     {"软件", "软件和信息服务", 5},
    {"电子", "电子制造", 6},         {"光电", "电子制造", 2},
    {"贸易", "批发零售", 12},        {"商贸", "批发零售", 7},
    {"进出口", "进出口贸易", 4},     {"机械", "机械制造", 6},
    {"机械设备", "机械制造", 4},     {"智能装备", "智能制造", 3},
    {"电气", "电气设备", 3},         {"五金制品", "五金制品", 2},
    {"食品", "食品饮料", 5},         {"医疗器械", "医疗器械", 4},
    {"生物科技", "生物医药", 3},     {"医药", "生物医药", 2},
    {"物流", "交通物流", 5},         {"供应链管理", "交通物流", 3},
    {"建材", "建筑建材", 4},         {"建筑工程", "建筑建材", 3},
    {"装饰工程", "建筑装饰", 3},     {"服饰", "纺织服装", 4},
    {"纺织", "纺织服装", 2},         {"文化传媒", "文化传媒", 5},
    {"广告", "文化传媒", 2},         {"餐饮管理", "餐饮酒店", 4},
    {"教育咨询", "教育培训", 4},     {"企业管理咨询", "商务服务", 3},
    {"人力资源", "人力资源服务", 2}, {"新能源", "新能源", 4},
    {"环保科技", "节能环保", 3},     {"化工", "化工", 3},
    {"汽车配件", "汽车及零部件", 3}, {"家居", "家居家具", 3},
    {"包装材料", "包装印刷", 2},     {"印务", "包装印刷", 1},
    {"农业发展", "农林牧渔", 2},     {"实业", "综合", 3},
};

struct SizeWeight {
  CompanySize size;
  uint32_t weight;
};

constexpr SizeWeight kSizes[] = {
    {CompanySize::kMicro, 36}, {CompanySize::kSmall, 36},     {CompanySize::kMedium, 17},
    {CompanySize::kLarge, 8},  {CompanySize::kEnterprise, 3},
};

// 有限公司 / 股份有限公司 / 集团有限公司 weights per size (micro .. enterprise).
constexpr std::string_view kSuffixes[] = {"有限公司", "股份有限公司", "集团有限公司"};
constexpr std::array<std::array<uint32_t, 3>, 5> kSuffixWeights = {{
    {97, 3, 0},
    {92, 7, 1},
    {72, 22, 6},
    {45, 33, 22},
    {20, 40, 40},
}};

// ---- People ------------------------------------------------------------------

struct Surname {
  std::string_view han;
  std::string_view pinyin;
  uint32_t weight;  // per 10,000 people, roughly
};

constexpr Surname kSurnames[] = {
    {"王", "wang", 710},   {"李", "li", 700},   {"张", "zhang", 670}, {"刘", "liu", 540},
    {"陈", "chen", 460},   {"杨", "yang", 310}, {"黄", "huang", 230}, {"赵", "zhao", 220},
    {"吴", "wu", 200},     {"周", "zhou", 190}, {"徐", "xu", 130},    {"孙", "sun", 120},
    {"马", "ma", 120},     {"朱", "zhu", 110},  {"胡", "hu", 110},    {"郭", "guo", 110},
    {"何", "he", 100},     {"高", "gao", 98},   {"林", "lin", 97},    {"罗", "luo", 86},
    {"郑", "zheng", 80},   {"梁", "liang", 75}, {"谢", "xie", 60},    {"宋", "song", 55},
    {"唐", "tang", 50},    {"许", "xu", 50},    {"韩", "han", 50},    {"冯", "feng", 50},
    {"邓", "deng", 50},    {"曹", "cao", 50},   {"彭", "peng", 45},   {"曾", "zeng", 45},
    {"肖", "xiao", 45},    {"田", "tian", 42},  {"董", "dong", 40},   {"袁", "yuan", 40},
    {"潘", "pan", 39},     {"于", "yu", 39},    {"蒋", "jiang", 38},  {"蔡", "cai", 38},
    {"余", "yu", 37},      {"杜", "du", 36},    {"叶", "ye", 35},     {"程", "cheng", 34},
    {"苏", "su", 33},      {"魏", "wei", 32},   {"吕", "lv", 31},     {"丁", "ding", 30},
    {"任", "ren", 29},     {"沈", "shen", 29},  {"姚", "yao", 28},    {"卢", "lu", 28},
    {"姜", "jiang", 27},   {"崔", "cui", 27},   {"钟", "zhong", 26},  {"谭", "tan", 26},
    {"陆", "lu", 25},      {"汪", "wang", 25},  {"范", "fan", 24},    {"金", "jin", 24},
    {"石", "shi", 24},     {"廖", "liao", 23},  {"贾", "jia", 23},    {"夏", "xia", 22},
    {"韦", "wei", 22},     {"付", "fu", 21},    {"方", "fang", 21},   {"白", "bai", 20},
    {"邹", "zou", 20},     {"孟", "meng", 20},  {"熊", "xiong", 19},  {"秦", "qin", 19},
    {"邱", "qiu", 19},     {"江", "jiang", 18}, {"尹", "yin", 18},    {"薛", "xue", 17},
    {"闫", "yan", 17},     {"段", "duan", 16},  {"雷", "lei", 16},    {"侯", "hou", 16},
    {"龙", "long", 15},    {"史", "shi", 15},   {"陶", "tao", 15},    {"黎", "li", 14},
    {"贺", "he", 14},      {"顾", "gu", 14},    {"毛", "mao", 14},    {"郝", "hao", 13},
    {"龚", "gong", 13},    {"邵", "shao", 13},  {"万", "wan", 12},    {"钱", "qian", 12},
    {"严", "yan", 12},     {"覃", "qin", 11},   {"武", "wu", 11},     {"戴", "dai", 11},
    {"莫", "mo", 10},      {"孔", "kong", 10},  {"向", "xiang", 10},  {"汤", "tang", 10},
    {"常", "chang", 9},    {"温", "wen", 9},    {"康", "kang", 8},    {"施", "shi", 8},
    {"文", "wen", 8},      {"牛", "niu", 8},    {"樊", "fan", 7},     {"葛", "ge", 7},
    {"邢", "xing", 7},     {"安", "an", 6},     {"齐", "qi", 6},      {"易", "yi", 6},
    {"乔", "qiao", 6},     {"伍", "wu", 6},     {"庞", "pang", 6},    {"颜", "yan", 5},
    {"倪", "ni", 5},       {"庄", "zhuang", 5}, {"聂", "nie", 5},     {"章", "zhang", 5},
    {"欧阳", "ouyang", 4}, {"司马", "sima", 1}, {"诸葛", "zhuge", 1}, {"上官", "shangguan", 1},
};

// Given-name characters; a name draws from one gender's list (some characters
// are on both). `solo`: also usual as a one-character given name (王伟, not 王家).
struct GivenChar {
  std::string_view han;
  std::string_view pinyin;
  bool solo;
};

constexpr GivenChar kGivenMale[] = {
    {"伟", "wei", true},   {"强", "qiang", true}, {"磊", "lei", true},    {"军", "jun", true},
    {"洋", "yang", true},  {"勇", "yong", true},  {"杰", "jie", true},    {"涛", "tao", true},
    {"明", "ming", true},  {"超", "chao", true},  {"刚", "gang", true},   {"平", "ping", true},
    {"辉", "hui", true},   {"鹏", "peng", true},  {"斌", "bin", true},    {"宇", "yu", true},
    {"浩", "hao", true},   {"凯", "kai", true},   {"健", "jian", true},   {"俊", "jun", true},
    {"峰", "feng", true},  {"建", "jian", false}, {"国", "guo", false},   {"志", "zhi", false},
    {"海", "hai", true},   {"波", "bo", true},    {"龙", "long", true},   {"林", "lin", true},
    {"华", "hua", true},   {"文", "wen", true},   {"东", "dong", true},   {"亮", "liang", true},
    {"成", "cheng", true}, {"飞", "fei", true},   {"晨", "chen", true},   {"阳", "yang", true},
    {"博", "bo", true},    {"宁", "ning", true},  {"坤", "kun", true},    {"毅", "yi", true},
    {"鑫", "xin", true},   {"振", "zhen", false}, {"航", "hang", true},   {"子", "zi", false},
    {"轩", "xuan", true},  {"睿", "rui", true},   {"泽", "ze", true},     {"然", "ran", true},
    {"天", "tian", false}, {"翔", "xiang", true}, {"家", "jia", false},   {"晓", "xiao", false},
    {"立", "li", false},   {"嘉", "jia", false},  {"兵", "bing", true},   {"德", "de", false},
    {"永", "yong", false}, {"春", "chun", false}, {"庆", "qing", false},  {"旭", "xu", true},
    {"诚", "cheng", true}, {"新", "xin", false},  {"光", "guang", false}, {"良", "liang", true},
    {"锋", "feng", true},  {"卫", "wei", false},  {"金", "jin", false},   {"彬", "bin", true},
    {"昊", "hao", true},   {"哲", "zhe", true},
};

constexpr GivenChar kGivenFemale[] = {
    {"芳", "fang", true}, {"娜", "na", true},    {"敏", "min", true},   {"静", "jing", true},
    {"丽", "li", true},   {"艳", "yan", true},   {"娟", "juan", true},  {"秀", "xiu", false},
    {"霞", "xia", true},  {"桂", "gui", false},  {"英", "ying", true},  {"玉", "yu", true},
    {"萍", "ping", true}, {"红", "hong", true},  {"玲", "ling", true},  {"芬", "fen", true},
    {"燕", "yan", true},  {"欣", "xin", true},   {"怡", "yi", true},    {"婷", "ting", true},
    {"雪", "xue", true},  {"琳", "lin", true},   {"晨", "chen", true},  {"颖", "ying", true},
    {"倩", "qian", true}, {"佳", "jia", true},   {"慧", "hui", true},   {"莉", "li", true},
    {"梅", "mei", true},  {"蕾", "lei", true},   {"丹", "dan", true},   {"璐", "lu", true},
    {"瑶", "yao", true},  {"琪", "qi", true},    {"悦", "yue", true},   {"彤", "tong", true},
    {"雨", "yu", false},  {"晓", "xiao", false}, {"春", "chun", false}, {"美", "mei", false},
    {"淑", "shu", false}, {"凤", "feng", true},  {"洁", "jie", true},   {"蓉", "rong", true},
    {"云", "yun", true},  {"菲", "fei", true},   {"思", "si", false},   {"雯", "wen", true},
    {"楠", "nan", true},  {"诗", "shi", false},  {"梦", "meng", true},  {"月", "yue", false},
    {"妍", "yan", true},  {"可", "ke", false},   {"晶", "jing", true},  {"露", "lu", true},
    {"珊", "shan", true}, {"岚", "lan", true},   {"薇", "wei", true},   {"华", "hua", true},
    {"娥", "e", true},    {"兰", "lan", true},   {"珍", "zhen", true},  {"爱", "ai", false},
    {"宁", "ning", true}, {"文", "wen", true},   {"馨", "xin", true},   {"琴", "qin", true},
    {"媛", "yuan", true}, {"蓓", "bei", true},
};

struct PersonName {
  const Surname* surname;
  const GivenChar* given1;
  const GivenChar* given2;  // null for a one-character given name

  std::string Han() const {
    std::string s;
    s.reserve(12);
    s.append(surname->han).append(given1->han);
    if (given2 != nullptr) s.append(given2->han);
    return s;
  }
  // "zhangwei", "liuxiaoming"
  std::string Pinyin() const {
    std::string s;
    s.reserve(20);
    s.append(surname->pinyin).append(given1->pinyin);
    if (given2 != nullptr) s.append(given2->pinyin);
    return s;
  }
};

PersonName MakePersonName(Rng& r, bool female) {
  PersonName n;
  n.surname = &Pick<kSurnames>(r);
  auto given = [&]() -> const GivenChar* {
    return female ? &PickAny(r, kGivenFemale) : &PickAny(r, kGivenMale);
  };
  n.given1 = given();
  n.given2 = nullptr;
  if (r.Percent(30)) {  // ~30 % one-character given names
    for (int tries = 0; !n.given1->solo && tries < 8; ++tries) n.given1 = given();
  } else {
    n.given2 = given();
    // Doubled characters (婷婷, 丽丽) are real for women, odd for men.
    if (n.given2 == n.given1 && !female) n.given2 = given();
  }
  return n;
}

// ---- Phones ------------------------------------------------------------------

struct MobilePrefix {
  std::string_view digits;
  uint32_t weight;
};

// Prefixes libphonenumber knows as CN mobile (174 is satellite and mostly invalid).
constexpr MobilePrefix kMobilePrefixes[] = {
    {"130", 4}, {"131", 4}, {"132", 4}, {"133", 4}, {"134", 4}, {"135", 6}, {"136", 6}, {"137", 6},
    {"138", 7}, {"139", 7}, {"145", 1}, {"147", 1}, {"150", 4}, {"151", 4}, {"152", 4}, {"153", 3},
    {"155", 3}, {"156", 3}, {"157", 3}, {"158", 4}, {"159", 4}, {"166", 1}, {"170", 1}, {"171", 1},
    {"172", 1}, {"173", 2}, {"175", 1}, {"176", 2}, {"177", 2}, {"178", 2}, {"180", 3}, {"181", 3},
    {"182", 3}, {"183", 3}, {"184", 1}, {"185", 3}, {"186", 4}, {"187", 4}, {"188", 3}, {"189", 4},
    {"191", 1}, {"198", 2}, {"199", 2},
};

std::string MobilePhone(Rng& r) {
  std::string s;
  s.reserve(14);
  s.append("+86").append(Pick<kMobilePrefixes>(r).digits);
  r.AppendDigits(s, 8);
  return s;
}

std::string Landline(Rng& r, const City& city) {
  std::string s;
  s.reserve(14);
  s.append("+86").append(city.area_code);
  s += city.leads[r.Below(static_cast<uint32_t>(city.leads.size()))];
  r.AppendDigits(s, city.local_digits - 1);
  return s;
}

// ---- Email and WeChat --------------------------------------------------------

struct Domain {
  std::string_view name;
  uint32_t weight;
};

constexpr Domain kMailDomains[] = {
    {"qq.com", 40},    {"163.com", 24}, {"126.com", 10},    {"foxmail.com", 6},
    {"sina.com", 5},   {"139.com", 4},  {"hotmail.com", 3}, {"outlook.com", 3},
    {"aliyun.com", 2}, {"yeah.net", 2}, {"sohu.com", 1},
};

constexpr std::string_view kCompanyMailboxes[] = {"info",  "sales",  "service",  "contact",
                                                  "admin", "office", "business", "market"};

void AppendYear(Rng& r, std::string& s, int lo, int hi) { s += std::to_string(r.Between(lo, hi)); }

// A personal address: pinyin with optional digits at a public mail host, or a
// numeric QQ mailbox.
std::string PersonalEmail(Rng& r, const PersonName& n) {
  const Domain& d = Pick<kMailDomains>(r);
  std::string s;
  s.reserve(32);
  if (d.name == "qq.com" && r.Percent(60)) {
    s += static_cast<char>('1' + r.Below(9));  // QQ numbers: 6-10 digits, no leading 0
    r.AppendDigits(s, r.Between(5, 9));
  } else {
    switch (r.Below(4)) {
      case 0:  // zhangwei
        s = n.Pinyin();
        break;
      case 1:  // zhangwei1988
        s = n.Pinyin();
        AppendYear(r, s, 1968, 1999);
        break;
      case 2:  // zw_2016 / zwei88
        s.append(n.surname->pinyin.substr(0, 1)).append(n.given1->pinyin);
        if (n.given2 != nullptr) s.append(n.given2->pinyin.substr(0, 1));
        r.AppendDigits(s, r.Between(2, 4));
        break;
      default:  // wei.zhang
        s.append(n.given1->pinyin);
        if (n.given2 != nullptr) s.append(n.given2->pinyin);
        s.append(".").append(n.surname->pinyin);
        break;
    }
  }
  s.append("@").append(d.name);
  return s;
}

std::string WeChatId(Rng& r, const PersonName& n, const std::string& phone) {
  std::string s;
  s.reserve(24);
  switch (r.Below(4)) {
    case 0: {  // wxid_ followed by 14 lower-case letters and digits
      static constexpr std::string_view kAlnum = "abcdefghijklmnopqrstuvwxyz0123456789";
      s = "wxid_";
      for (int i = 0; i < 14; ++i) s += kAlnum[r.Below(static_cast<uint32_t>(kAlnum.size()))];
      break;
    }
    case 1:  // the mobile number itself, when there is one
      if (phone.size() == 14 && phone.compare(0, 4, "+861") == 0) {
        s = phone.substr(3);
        break;
      }
      [[fallthrough]];
    case 2:  // zhangwei_1988
      s = n.Pinyin();
      s += r.Percent(50) ? "_" : "";
      AppendYear(r, s, 1965, 1999);
      break;
    default:  // zw13579
      s.append(n.surname->pinyin.substr(0, 1)).append(n.given1->pinyin.substr(0, 1));
      if (n.given2 != nullptr) s.append(n.given2->pinyin.substr(0, 1));
      r.AppendDigits(s, r.Between(3, 6));
      break;
  }
  return s;
}

// ---- Classification ----------------------------------------------------------

struct SourceWeight {
  std::string_view name;
  uint32_t weight;
};

constexpr SourceWeight kSourceWeights[] = {
    {"referral", 25},  {"self_developed", 22}, {"online", 14},   {"exhibition", 12},
    {"canvassing", 8}, {"advertising", 8},     {"directory", 6}, {"other", 5},
};

// CustomerSourceNames() with their weights (names missing from the table above
// get a small weight), built once.
struct SourceTable {
  std::vector<std::pair<std::string_view, uint32_t>> entries;
  uint32_t total = 0;
};

const SourceTable& Sources() {
  static const SourceTable table = [] {
    SourceTable t;
    for (std::string_view name : CustomerSourceNames()) {
      uint32_t w = 2;
      for (const SourceWeight& sw : kSourceWeights) {
        if (sw.name == name) w = sw.weight;
      }
      t.entries.emplace_back(name, w);
      t.total += w;
    }
    return t;
  }();
  return table;
}

std::string_view PickSource(Rng& r) {
  const SourceTable& t = Sources();
  if (t.total == 0) return {};
  uint32_t x = r.Below(t.total);
  for (const auto& [name, w] : t.entries) {
    if (x < w) return name;
    x -= w;
  }
  return t.entries.front().first;
}

struct RelationshipWeight {
  Relationship relationship;
  uint32_t weight;
};

constexpr RelationshipWeight kRelationships[] = {
    {Relationship::kCurrent, 40}, {Relationship::kPotential, 30}, {Relationship::kTarget, 15},
    {Relationship::kLost, 10},    {Relationship::kNon, 5},
};

// Indexed by Relationship (non, potential, target, current, lost); columns are
// RelationshipLevel (basic .. partner) and LifecycleStage (exploration .. lost).
constexpr std::array<std::array<uint32_t, 5>, 5> kLevelWeights = {{
    {80, 20, 0, 0, 0},
    {60, 35, 5, 0, 0},
    {40, 40, 15, 5, 0},
    {10, 20, 35, 25, 10},
    {45, 40, 15, 0, 0},
}};
constexpr std::array<std::array<uint32_t, 5>, 5> kStageWeights = {{
    {100, 0, 0, 0, 0},
    {85, 15, 0, 0, 0},
    {55, 45, 0, 0, 0},
    {0, 30, 55, 15, 0},
    {0, 0, 0, 0, 100},
}};

// ---- Tags --------------------------------------------------------------------

struct TagCandidate {
  std::string_view tag;
  uint32_t weight;
};

void AddTags(Rng& r, Customer& c, const City& city) {
  static constexpr std::array<uint32_t, 4> kCountWeights = {30, 35, 25, 10};
  size_t count = PickIndex(r, kCountWeights);
  if (count == 0) return;

  const Relationship rel = c.relationship;
  const bool current = rel == Relationship::kCurrent;
  const bool prospect = rel == Relationship::kPotential || rel == Relationship::kTarget;
  const bool org = c.kind == CustomerKind::kOrganization;
  const bool big = c.size.has_value() && *c.size >= CompanySize::kLarge;

  std::array<TagCandidate, 20> cand{};
  size_t n = 0;
  auto add = [&](std::string_view tag, uint32_t weight, bool when) {
    if (when && n < cand.size()) cand[n++] = {tag, weight};
  };
  add(city.region, 30, true);
  add("重点客户", 12, current || rel == Relationship::kTarget);
  add("VIP", 7, current);
  add("老客户", 12, current || rel == Relationship::kLost);
  add("长期合作", 8, current && c.lifecycle_stage == LifecycleStage::kStability);
  add("流失预警", 20, current && c.lifecycle_stage == LifecycleStage::kDecline);
  add("回款慢", 4, current && org);
  add("价格敏感", 10, true);
  add("决策慢", 8, org && rel != Relationship::kLost);
  add("待回访", 10, rel != Relationship::kNon);
  add("需求明确", 6, prospect);
  add("竞品在用", 6, prospect || rel == Relationship::kLost);
  add("大客户", 15, big);
  add("预算有限", 5, !big);
  add("展会线索", 30, c.source == "exhibition");
  add("转介绍", 15, c.source == "referral");
  add("线上询盘", 15, c.source == "online");

  c.tags.reserve(count);
  for (size_t k = 0; k < count; ++k) {  // weighted, without replacement
    uint32_t total = 0;
    for (size_t i = 0; i < n; ++i) total += cand[i].weight;
    if (total == 0) break;
    uint32_t x = r.Below(total);
    for (size_t i = 0; i < n; ++i) {
      if (x < cand[i].weight) {
        c.tags.emplace_back(cand[i].tag);
        cand[i].weight = 0;
        break;
      }
      x -= cand[i].weight;
    }
  }
}

// ---- Dates -------------------------------------------------------------------

// "MM-DD" of a real day every year has (no Feb 29).
std::string MonthDay(Rng& r) {
  static constexpr std::array<int, 12> kDays = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const int month = r.Between(1, 12);
  const int day = r.Between(1, kDays[static_cast<size_t>(month - 1)]);
  std::string s(5, '-');
  s[0] = static_cast<char>('0' + month / 10);
  s[1] = static_cast<char>('0' + month % 10);
  s[3] = static_cast<char>('0' + day / 10);
  s[4] = static_cast<char>('0' + day % 10);
  return s;
}

void AddCareDates(Rng& r, Customer& c) {
  if (!r.Percent(25)) return;
  static constexpr std::string_view kBossBirthdays[] = {"董事长生日", "总经理生日", "老板生日",
                                                        "老板娘生日"};
  static constexpr std::string_view kAnniversaries[] = {"公司成立纪念日", "合作纪念日",
                                                        "首次签约纪念日"};
  if (c.kind == CustomerKind::kOrganization) {
    const uint32_t which = r.Below(10);  // 5: birthday, 3: anniversary, 2: both
    if (which < 5 || which >= 8) {
      c.care_dates.push_back({"birthday", std::string(PickAny(r, kBossBirthdays)), MonthDay(r)});
    }
    if (which >= 5) {
      std::string_view label = PickAny(r, kAnniversaries);
      // Only a current or former customer has a signing anniversary.
      if (c.relationship != Relationship::kCurrent && c.relationship != Relationship::kLost) {
        label = kAnniversaries[0];
      }
      c.care_dates.push_back({"anniversary", std::string(label), MonthDay(r)});
    }
  } else {
    c.care_dates.push_back({"birthday", "生日", MonthDay(r)});
    if (r.Percent(15)) c.care_dates.push_back({"other", "结婚纪念日", MonthDay(r)});
  }
}

// ---- Notes -------------------------------------------------------------------

struct SourceLeadIn {
  std::string_view source;
  std::string_view text;
};

constexpr SourceLeadIn kLeadIns[] = {
    {"referral", "经老客户介绍认识"},
    {"referral", "朋友介绍过来的"},
    {"exhibition", "在行业展会上交换过名片"},
    {"exhibition", "展会现场咨询过产品"},
    {"online", "官网留言咨询过"},
    {"online", "通过网上询盘联系到我们"},
    {"canvassing", "上门陌拜时留下了联系方式"},
    {"advertising", "看到广告后主动来电"},
    {"directory", "从行业名录里找到的"},
    {"self_developed", "前期电话沟通过几次"},
};

constexpr std::string_view kOrgSituations[] = {
    "今年有扩产计划",
    "年底有一批预算待执行",
    "老板比较务实，看重性价比",
    "对接人刚换过，需要重新建立关系",
    "目前在用竞品，合同明年到期",
    "采购需要走招标流程",
    "公司正在筹备新厂区",
    "去年合作过两个项目",
    "决策链较长，需要总经理拍板",
    "付款流程较慢，一般月结六十天",
    "主要对接采购部",
    "技术部门话语权较大",
    "计划明年上线新产品线",
    "在外地新开了分公司",
};

constexpr std::string_view kPersonSituations[] = {
    "主要通过微信联系",       "工作日白天不方便接电话", "家里在装修，近期有采购需求",
    "之前买过一次，体验不错", "喜欢先看样品再决定",     "自己做小生意，需求不大但稳定",
};

constexpr std::string_view kConcerns[] = {
    "对价格较敏感",           "关注售后响应速度",   "重视交货周期",     "希望提供定制方案",
    "需要开具增值税专用发票", "对产品质量要求较高", "比较看重品牌口碑", "希望有现场培训",
    "要求账期三个月",         "关心安装和维护成本",
};

constexpr std::string_view kNextSteps[] = {
    "下周约上门拜访", "已发报价单，等待回复", "月底前再跟进一次", "需安排技术人员演示",
    "节前安排送礼品", "等对方内部审批",       "约了周三电话沟通", "准备寄样品试用",
    "合同条款还在谈", "下个月再联系",
};

constexpr std::string_view kLostReasons[] = {
    "去年转向竞品，价格差距较大",
    "对接人离职后合作中断",
    "因交付延期产生过投诉",
    "业务调整，暂停相关采购",
};

void AddNotes(Rng& r, Customer& c) {
  if (!r.Percent(40)) return;
  std::string& s = c.notes;
  s.reserve(96);
  const bool org = c.kind == CustomerKind::kOrganization;
  int parts = 0;
  auto clause = [&](std::string_view text) {
    if (parts++ > 0) s.append("，");
    s.append(text);
  };
  if (r.Percent(35)) {
    for (const SourceLeadIn& l : kLeadIns) {
      if (l.source == c.source) {
        clause(l.text);
        break;
      }
    }
  }
  if (parts == 0 || r.Percent(50)) {
    clause(org ? PickAny(r, kOrgSituations) : PickAny(r, kPersonSituations));
  }
  if (parts < 2 && r.Percent(60)) {
    std::string_view concern = PickAny(r, kConcerns);
    if (concern == "需要开具增值税专用发票" && !org) concern = kConcerns[0];
    clause(concern);
  }
  s.append("。");
  if (c.relationship == Relationship::kLost) {
    s.append(PickAny(r, kLostReasons)).append("。");
  } else if (r.Percent(60)) {
    s.append(PickAny(r, kNextSteps)).append("。");
  }
}

// ---- Contacts ----------------------------------------------------------------

struct Title {
  std::string_view title;
  uint32_t weight;
};

constexpr Title kTitles[] = {
    {"总经理", 20},  {"董事长", 8},     {"副总经理", 6},   {"采购经理", 16},
    {"采购专员", 6}, {"技术总监", 8},   {"财务总监", 5},   {"财务经理", 5},
    {"行政主管", 6}, {"销售总监", 6},   {"项目经理", 7},   {"运营总监", 4},
    {"人事经理", 3}, {"办公室主任", 3}, {"市场部经理", 4}, {"生产厂长", 3},
};

constexpr std::string_view kContactNotes[] = {
    "实际决策人",       "技术出身，注重细节",     "说话直接，喜欢看数据", "喜欢喝茶",
    "不抽烟，酒量一般", "周末不方便打电话",       "习惯微信沟通",         "孩子在读高中",
    "对我们印象不错",   "比较谨慎，需要多次沟通",
};

constexpr Personality kPersonalities[] = {Personality::kAnalytical, Personality::kOrganized,
                                          Personality::kRelational, Personality::kVisionary};

void AddContacts(Rng& r, DemoCustomer& out, const std::string& company_domain) {
  static constexpr std::array<uint32_t, 4> kCountWeights = {15, 40, 30, 15};
  const size_t count = PickIndex(r, kCountWeights);
  if (count == 0) return;
  out.contacts.reserve(count);

  std::array<uint32_t, std::size(kTitles)> title_weights{};
  for (size_t i = 0; i < title_weights.size(); ++i) title_weights[i] = kTitles[i].weight;

  for (size_t k = 0; k < count; ++k) {
    Contact& ct = out.contacts.emplace_back();
    const bool female = r.Percent(40);
    const PersonName n = MakePersonName(r, female);
    ct.name = n.Han();
    const size_t t = PickIndex(r, title_weights);
    title_weights[t] = 0;  // one person per title in a company
    ct.title = std::string(kTitles[t].title);
    if (r.Percent(92)) ct.phone = MobilePhone(r);
    if (r.Percent(40)) {
      if (!company_domain.empty() && r.Percent(60)) {
        ct.email = r.Percent(50) ? n.Pinyin()
                                 : std::string(n.given1->pinyin)
                                       .append(n.given2 ? n.given2->pinyin : "")
                                       .append(".")
                                       .append(n.surname->pinyin);
        ct.email.append("@").append(company_domain);
      } else {
        ct.email = PersonalEmail(r, n);
      }
    }
    if (r.Percent(55)) ct.wechat = WeChatId(r, n, ct.phone);
    if (r.Percent(35)) ct.personality = PickAny(r, kPersonalities);
    if (r.Percent(20)) {
      if (r.Percent(40)) {
        ct.birthday = std::to_string(r.Between(1962, 1997));
        ct.birthday.append("-").append(MonthDay(r));
      } else {
        ct.birthday = MonthDay(r);
      }
    }
    if (r.Percent(15)) ct.notes = std::string(PickAny(r, kContactNotes)) + "。";
  }
}

// "DEMO-00000042"
std::string ExternalId(int64_t index) {
  const uint64_t magnitude =
      index < 0 ? 0 - static_cast<uint64_t>(index) : static_cast<uint64_t>(index);
  const std::string digits = std::to_string(magnitude);
  std::string s = index < 0 ? "DEMO--" : "DEMO-";
  if (digits.size() < 8) s.append(8 - digits.size(), '0');
  s.append(digits);
  return s;
}

}  // namespace

// The estimated yearly wallet (purchase potential) the attack/defend model divides our
// revenue by: log-uniform in a band per company size (individuals: ¥5k–50k), unknown for
// 15 % of customers. Drawn from its own stream so the other fields do not move.
namespace {

std::optional<int64_t> PurchasePotential(uint64_t seed, int64_t index, const Customer& c) {
  Rng r(seed, index, kStreamPotential);
  if (r.Percent(15)) return std::nullopt;
  // yuan: micro, small, medium, large, enterprise; individuals last.
  static constexpr int64_t kLow[6] = {20000, 50000, 200000, 500000, 1000000, 5000};
  static constexpr int64_t kHigh[6] = {100000, 300000, 1000000, 3000000, 10000000, 50000};
  const size_t band = c.size ? static_cast<size_t>(*c.size) : 5;
  const double u = r.Below(1000000) / 1000000.0;
  const double yuan = static_cast<double>(kLow[band]) *
                      std::pow(static_cast<double>(kHigh[band]) / kLow[band], u);
  return static_cast<int64_t>(yuan / 100.0) * 10000;  // whole hundreds of yuan, in fen
}

}  // namespace

DemoCustomer DemoDataGenerator::Make(int64_t index) const {
  Rng r(seed_, index, kStreamCustomer);
  DemoCustomer out;
  Customer& c = out.customer;

  const bool org = r.Percent(70);
  c.kind = org ? CustomerKind::kOrganization : CustomerKind::kIndividual;
  const City& city = Pick<kCities>(r);
  c.province = std::string(city.province);
  c.city = std::string(city.city);

  PersonName person{};  // the individual, or the boss of an organisation
  std::string company_domain;
  if (org) {
    const CompanySize size = Pick<kSizes>(r).size;
    c.size = size;
    const Syllable& b1 = PickAny(r, kBrandFirst);
    const Syllable* b2 = &PickAny(r, kBrandSecond);
    while (b2->han == b1.han) b2 = &PickAny(r, kBrandSecond);
    const Industry& ind = Pick<kIndustries>(r);
    c.industry = std::string(ind.industry);
    const std::string_view suffix =
        kSuffixes[PickIndex(r, kSuffixWeights[static_cast<size_t>(size)])];
    c.name.reserve(64);
    if (r.Percent(12)) {  // 云栖科技（杭州）有限公司
      c.name.append(b1.han).append(b2->han).append(ind.word);
      c.name.append("（").append(city.short_name).append("）").append(suffix);
    } else {  // 杭州云栖科技有限公司
      c.name.append(city.short_name).append(b1.han).append(b2->han).append(ind.word).append(suffix);
    }
    company_domain.reserve(24);
    if (r.Percent(25)) company_domain.append(city.abbr);
    company_domain.append(b1.pinyin).append(b2->pinyin);
    company_domain.append(r.Percent(60) ? ".com.cn" : ".com");
    person = MakePersonName(r, r.Percent(25));
  } else {
    person = MakePersonName(r, r.Percent(45));
    c.name = person.Han();
  }

  c.source = std::string(PickSource(r));
  c.relationship = Pick<kRelationships>(r).relationship;
  const auto rel = static_cast<size_t>(c.relationship);
  c.relationship_level = static_cast<RelationshipLevel>(PickIndex(r, kLevelWeights[rel]));
  c.lifecycle_stage = static_cast<LifecycleStage>(PickIndex(r, kStageWeights[rel]));

  AddTags(r, c, city);
  AddCareDates(r, c);

  if (org) {
    if (r.Percent(88)) c.phone = r.Percent(35) ? Landline(r, city) : MobilePhone(r);
    if (r.Percent(60)) {
      const uint32_t style = r.Below(10);
      if (style < 5) {  // sales@yunqi.com.cn
        c.email.append(PickAny(r, kCompanyMailboxes)).append("@").append(company_domain);
      } else if (style < 7) {  // zhangwei@yunqi.com.cn
        c.email = person.Pinyin();
        c.email.append("@").append(company_domain);
      } else {  // the boss's own mailbox
        c.email = PersonalEmail(r, person);
      }
    }
  } else {
    if (r.Percent(80)) c.phone = MobilePhone(r);
    if (r.Percent(58)) c.email = PersonalEmail(r, person);
  }

  AddNotes(r, c);
  c.external_id = ExternalId(index);
  c.purchase_potential = PurchasePotential(seed_, index, c);

  if (org) AddContacts(r, out, company_domain);
  return out;
}

UnixSeconds DemoDataGenerator::CreatedAt(int64_t index, UnixSeconds now) const {
  constexpr int64_t kDay = 86400;
  constexpr int64_t kShanghaiOffset = 8 * 3600;
  constexpr uint32_t kSpanDays = 3 * 365;
  Rng r(seed_, index, kStreamCreatedAt);

  // Half uniform, half the minimum of two uniforms: the business grew, so more
  // customers were added recently (about 44 % / 33 % / 22 % per year).
  uint32_t days_ago = r.Below(kSpanDays);
  if (r.Percent(50)) days_ago = std::min(days_ago, r.Below(kSpanDays));

  const int64_t local_now = now + kShanghaiOffset;
  int64_t day = local_now / kDay - (local_now % kDay < 0 ? 1 : 0);  // floor
  day -= days_ago;
  const int64_t weekday = ((day + 4) % 7 + 7) % 7;  // 0 = Sunday; 1970-01-01 was a Thursday
  if (weekday == 6 && r.Percent(85)) day -= 1;      // Saturday -> Friday
  if (weekday == 0 && r.Percent(85)) day -= 2;      // Sunday -> Friday

  // Mostly 08:30-18:30 local time, sometimes in the evening or early morning.
  const int64_t second_of_day =
      r.Percent(90) ? 8 * 3600 + 1800 + r.Below(10 * 3600) : 7 * 3600 + r.Below(16 * 3600);
  UnixSeconds t = day * kDay + second_of_day - kShanghaiOffset;
  while (t > now) t -= kDay;  // today, but later than now
  return t;
}


// =============================================================================
// Sales: products, orders, opportunities, reps, targets, payment plans.
// =============================================================================

namespace {

namespace chr = std::chrono;

constexpr int64_t kSecondsPerDay = 86400;
constexpr int64_t kUtcOffset = 8 * 3600;  // Asia/Shanghai

// Business-day numbers (days since 1970-01-01 in Asia/Shanghai) keep the
// timelines in integers.
int64_t LocalDay(UnixSeconds t) {
  const int64_t local = t + kUtcOffset;
  return local / kSecondsPerDay - (local % kSecondsPerDay < 0 ? 1 : 0);
}
UnixSeconds AtLocal(int64_t day, int64_t second_of_day) {
  return day * kSecondsPerDay + second_of_day - kUtcOffset;
}
chr::year_month_day Civil(int64_t day) { return chr::year_month_day{chr::sys_days{chr::days{day}}}; }
int64_t DayNumber(const chr::year_month_day& ymd) {
  return chr::sys_days{ymd}.time_since_epoch().count();
}
std::string DayString(int64_t day) { return BusinessDay(AtLocal(day, 12 * 3600)); }
int Weekday(int64_t day) { return static_cast<int>(((day + 4) % 7 + 7) % 7); }  // 0 = Sunday

// -ln(k / 256) in Q16 for k = 0..256 (k = 0 stands for 0.5 / 256: the tail is
// cut at ~6.2 means). Built at compile time from an atanh series, so the draws
// below need integer arithmetic only and are the same everywhere.
constexpr double ConstLn(double x) {  // x > 0
  int e = 0;
  while (x >= 2.0) { x /= 2.0; ++e; }
  while (x < 1.0) { x *= 2.0; --e; }
  const double z = (x - 1.0) / (x + 1.0);  // |z| <= 1/3
  double term = z;
  double sum = 0.0;
  for (int n = 1; n < 80; n += 2) {
    sum += term / n;
    term *= z * z;
  }
  constexpr double kLn2 = 0.693147180559945309417;
  return 2.0 * sum + e * kLn2;
}
constexpr std::array<int64_t, 257> MakeNegLogTable() {
  std::array<int64_t, 257> t{};
  for (int k = 0; k <= 256; ++k) {
    const double x = k == 0 ? 0.5 / 256.0 : k / 256.0;
    t[static_cast<size_t>(k)] = static_cast<int64_t>(-ConstLn(x) * 65536.0 + 0.5);
  }
  return t;
}
constexpr std::array<int64_t, 257> kNegLogQ16 = MakeNegLogTable();

// An exponentially distributed number of days with the given mean (0 for mean 0).
int64_t ExpDays(Rng& r, int64_t mean) {
  const uint64_t u = (r.Next() >> 40) + 1;  // 1..2^24: U = u / 2^24 in (0, 1]
  const size_t k = static_cast<size_t>(u >> 16);  // 0..256
  const int64_t frac = static_cast<int64_t>(u & 0xFFFF);
  int64_t q16 = kNegLogQ16[k];
  if (k < 256) q16 += (kNegLogQ16[k + 1] - kNegLogQ16[k]) * frac / 65536;
  return mean * q16 / 65536;
}

// ---- Catalogue -----------------------------------------------------------------

struct CatalogueEntry {
  std::string_view code;
  std::string_view name;
  std::string_view category;
  int64_t list_price;  // fen
  uint32_t weight;     // how often it is ordered
  int max_quantity;    // a usual order is 1..max_quantity
};

constexpr CatalogueEntry kCatalogue[] = {
    {"GX-PRT-01", "黑白激光打印机 A4", "办公设备", 129900, 30, 2},
    {"GX-PRT-02", "彩色激光多功能一体机", "办公设备", 389900, 18, 2},
    {"GX-PRT-03", "A3 数码复合机", "办公设备", 1580000, 6, 1},
    {"GX-SCN-01", "高速文档扫描仪", "办公设备", 268000, 8, 2},
    {"GX-PRJ-01", "商务投影仪", "办公设备", 459900, 8, 2},
    {"GX-DSP-01", "65 英寸会议平板", "办公设备", 1299900, 5, 2},
    {"GX-SHR-01", "保密碎纸机（4 级）", "办公设备", 89900, 10, 2},
    {"GX-NET-01", "企业级无线路由器", "网络设备", 109900, 8, 3},
    {"GX-NET-02", "24 口千兆交换机", "网络设备", 189900, 5, 2},
    {"GX-TNR-01", "原装硒鼓（黑色）", "耗材", 45900, 120, 6},
    {"GX-TNR-02", "彩色墨粉套装（四色）", "耗材", 128000, 50, 3},
    {"GX-PPR-01", "A4 复印纸 70g（5 包/箱）", "耗材", 12500, 160, 20},
    {"GX-PPR-02", "A3 复印纸 80g（5 包/箱）", "耗材", 23900, 40, 10},
    {"GX-STA-01", "办公文具套装", "耗材", 16800, 70, 10},
    {"GX-WTR-01", "桶装饮用水 18.9L（10 桶）", "耗材", 22000, 60, 5},
    {"GX-CFE-01", "精品咖啡豆 1kg", "耗材", 19800, 40, 6},
    {"GX-PUR-01", "空气净化器", "办公设备", 249900, 10, 3},
    {"GX-PUR-02", "净化器替换滤网", "耗材", 39900, 35, 4},
    {"GX-FUR-01", "人体工学办公椅", "办公家具", 158000, 25, 8},
    {"GX-FUR-02", "电动升降办公桌", "办公家具", 298000, 12, 6},
    {"GX-FUR-03", "四人位工位组合", "办公家具", 680000, 6, 3},
    {"GX-FUR-04", "钢制文件柜", "办公家具", 115000, 10, 4},
    {"GX-SW-01", "云办公套件年度订阅（每用户）", "软件服务", 36000, 25, 60},
    {"GX-SW-02", "云打印管理平台年度订阅", "软件服务", 480000, 8, 1},
    {"GX-SW-03", "会议室预订系统年度订阅", "软件服务", 600000, 5, 1},
    {"GX-SVC-01", "设备年度维保合同", "维保服务", 360000, 15, 1},
    {"GX-SVC-02", "上门安装调试", "维保服务", 30000, 20, 3},
    {"GX-SVC-03", "办公室整体搬迁服务", "维保服务", 1200000, 2, 1},
    {"GX-SVC-04", "IT 外包服务（月）", "维保服务", 500000, 8, 3},
};

// What is bought together (so basket analysis has something to find): an order line of
// the first product brings the second along this often, in percent.
struct Companion {
  std::string_view product, companion;
  uint32_t percent;
};
constexpr Companion kCompanions[] = {
    {"GX-PRT-01", "GX-TNR-01", 45}, {"GX-PRT-01", "GX-PPR-01", 35}, {"GX-PRT-02", "GX-TNR-02", 50},
    {"GX-PRT-03", "GX-PPR-02", 40}, {"GX-PRT-03", "GX-SVC-01", 30}, {"GX-PUR-01", "GX-PUR-02", 55},
    {"GX-DSP-01", "GX-SVC-02", 40}, {"GX-PRJ-01", "GX-SVC-02", 35}, {"GX-FUR-02", "GX-FUR-01", 45},
    {"GX-NET-02", "GX-NET-01", 40}, {"GX-TNR-01", "GX-PPR-01", 20},
};
constexpr size_t kCatalogueSize = std::size(kCatalogue);

size_t PickProduct(Rng& r) {
  static constexpr uint32_t kTotal = TotalWeight(kCatalogue);
  uint32_t x = r.Below(kTotal);
  for (size_t i = 0; i < kCatalogueSize; ++i) {
    if (x < kCatalogue[i].weight) return i;
    x -= kCatalogue[i].weight;
  }
  return 0;
}

// ---- Purchase behaviour ------------------------------------------------------------

struct PurchaseSegment {
  uint32_t weight;
  int64_t gap_days;       // mean days between purchases while active (0: never buys)
  uint32_t churn_bp;      // chance to stop buying after each purchase, basis points
  int quantity_factor;    // wholesale buyers order in bulk
};
constexpr PurchaseSegment kSegments[] = {
    {22, 0, 0, 1},        // never bought: a lead or a lost prospect
    {26, 420, 6500, 1},   // one-off
    {25, 150, 2500, 1},   // occasional
    {16, 60, 1000, 1},    // regular
    {9, 25, 400, 2},      // frequent
    {2, 12, 150, 6},      // wholesale / distributor
};

// Seasonal demand by month, percent of normal: Spring Festival dip, 618 in
// June, Double 11 in November, year-end budgets in December.
constexpr uint32_t kMonthDemand[12] = {85, 55, 105, 100, 105, 130, 95, 95, 110, 90, 150, 125};
constexpr uint32_t kMaxDemand = 150;

// The purchase days of one customer (the timeline stream only, so counting them
// for PlanOrders costs little and Orders() gets the same days).
std::vector<int64_t> PurchaseDays(uint64_t seed, int64_t index, int64_t created_day, int64_t today,
                                  uint32_t scale_pct, int* segment_out) {
  Rng r(seed, index, kStreamOrderTimes);
  const size_t seg_index = [&] {
    uint32_t x = r.Below(TotalWeight(kSegments));
    for (size_t i = 0; i < std::size(kSegments); ++i) {
      if (x < kSegments[i].weight) return i;
      x -= kSegments[i].weight;
    }
    return size_t{0};
  }();
  *segment_out = static_cast<int>(seg_index);
  const PurchaseSegment& seg = kSegments[seg_index];
  std::vector<int64_t> days;
  if (seg.gap_days == 0) return days;
  // Each customer buys at its own pace around the segment's (×0.5..×1.5).
  const int64_t jitter = r.Between(50, 150);
  const int64_t gap = std::max<int64_t>(1, seg.gap_days * jitter * 100 / (100 * scale_pct));
  const uint32_t churn = std::min<uint32_t>(9900, seg.churn_bp * 100 / std::max<uint32_t>(scale_pct, 1));
  // Candidates come at the peak rate; thinning by the season keeps the mean gap.
  const int64_t candidate_gap = std::max<int64_t>(1, gap * 100 / kMaxDemand);
  int64_t d = created_day + ExpDays(r, 30);  // first purchase soon after acquisition
  while (d <= today) {
    const unsigned month = static_cast<unsigned>(Civil(d).month());
    uint32_t demand = kMonthDemand[month - 1];
    const int wd = Weekday(d);
    if (wd == 0 || wd == 6) demand = demand * 45 / 100;  // offices order on weekdays
    if (r.Below(kMaxDemand) < demand) {
      days.push_back(d);
      if (r.Below(10000) < churn) break;
    }
    d += 1 + ExpDays(r, candidate_gap);
  }
  return days;
}

constexpr OrderChannel kChannels[] = {OrderChannel::kOnline,  OrderChannel::kWechat, OrderChannel::kDirect,
                                      OrderChannel::kPhone,   OrderChannel::kStore,  OrderChannel::kDistributor,
                                      OrderChannel::kOther};
constexpr std::array<uint32_t, 7> kChannelWeights = {30, 20, 22, 10, 9, 7, 2};

std::string OrderExternalId(int64_t customer_index, size_t n) {
  char suffix[32];
  std::snprintf(suffix, sizeof suffix, "-%03zu", n + 1);
  return ExternalId(customer_index) + suffix;
}

// ---- Opportunities -------------------------------------------------------------------

// Chance (basis points) that an opportunity in each default open stage moves on
// rather than being lost: won ÷ reached comes out near the default win rates
// (5/10/25/50/75/90 %), a little off, as learned rates are.
constexpr uint32_t kAdvanceBp[6] = {5200, 4300, 5200, 6600, 8700, 9600};
// Mean days spent in each stage before the next move.
constexpr int64_t kDwellDays[6] = {14, 20, 25, 21, 15, 25};
constexpr std::string_view kOpenStages[6] = {"customer_analysis", "build_trust",   "uncover_needs",
                                             "present_value",     "win_commitment", "collect_payment"};

constexpr std::string_view kProjects[] = {
    "办公设备集中采购", "年度耗材框架协议", "新办公室家具采购", "云办公套件部署", "打印管理外包",
    "会议室升级改造",   "设备维保续约",     "IT 外包服务合同", "办公室搬迁项目", "网络设备更新",
    "分公司开业配置",   "空气净化与饮水服务",
};
constexpr std::string_view kCompetitors[] = {"得力", "齐心", "晨光科力普", "京东企业购",
                                             "震坤行", "史泰博", "本地经销商"};
constexpr std::string_view kLossReasons[] = {
    "价格高于竞争对手", "选择了现有供应商", "预算被削减", "项目延期，暂不采购",
    "决策人更换",       "需求与方案不匹配", "长时间联系不上",
};
constexpr std::string_view kStageNextSteps[6] = {
    "整理客户组织架构和采购历史", "约采购负责人面谈", "做需求调研，确认数量和预算",
    "准备方案和报价，安排演示",   "谈判合同条款，确认签约时间", "跟进首期款到账",
};

// An amount in fen for an opportunity with a customer of this size, rounded to
// 1,000 yuan.
int64_t OpportunityAmount(Rng& r, const Customer& c) {
  int64_t lo = 20000, hi = 150000;  // yuan
  if (c.kind == CustomerKind::kOrganization && c.size) {
    switch (*c.size) {
      case CompanySize::kMicro: lo = 10000; hi = 80000; break;
      case CompanySize::kSmall: lo = 30000; hi = 300000; break;
      case CompanySize::kMedium: lo = 100000; hi = 1200000; break;
      case CompanySize::kLarge: lo = 300000; hi = 3000000; break;
      case CompanySize::kEnterprise: lo = 800000; hi = 8000000; break;
    }
  }
  // Log-uniform-ish: the minimum of two uniforms favours the low end.
  const int64_t span = hi - lo;
  const int64_t a = static_cast<int64_t>(r.Below(static_cast<uint32_t>(span)));
  const int64_t b = static_cast<int64_t>(r.Below(static_cast<uint32_t>(span)));
  const int64_t yuan = lo + std::min(a, b);
  return (yuan / 1000 + 1) * 1000 * 100;
}

// Seconds into a working day, 09:00-18:59.
int64_t WorkSecond(Rng& r) { return 9 * 3600 + r.Below(10 * 3600); }

std::string_view ShortName(const Customer& c) {
  std::string_view n = c.name;
  for (std::string_view suffix : {"股份有限公司", "有限责任公司", "有限公司"}) {
    if (n.size() > suffix.size() && n.substr(n.size() - suffix.size()) == suffix) {
      return n.substr(0, n.size() - suffix.size());
    }
  }
  return n;
}

// ---- Reps ---------------------------------------------------------------------------

constexpr std::string_view kRepTeams[] = {"华东销售部", "华南销售部", "华北销售部", "华中销售部",
                                          "西南销售部"};

}  // namespace

const std::vector<Product>& DemoProducts() {
  static const std::vector<Product> products = [] {
    std::vector<Product> v;
    v.reserve(kCatalogueSize);
    for (const auto& e : kCatalogue) {
      Product p;
      p.code = std::string(e.code);
      p.name = std::string(e.name);
      p.category = std::string(e.category);
      p.list_price = e.list_price;
      p.active = true;
      v.push_back(std::move(p));
    }
    return v;
  }();
  return products;
}

std::string DemoCustomerExternalId(int64_t index) { return ExternalId(index); }

std::string_view DemoOrderCsvHeader() {
  return "customer_external_id,order_id,ordered_at,amount,product_code,quantity,unit_price,channel,status\n";
}

namespace {
void AppendYuan(std::string& out, int64_t fen) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%lld.%02lld", static_cast<long long>(fen / 100),
                static_cast<long long>(fen % 100));
  out.append(buf);
}
void AppendInstant(std::string& out, UnixSeconds t) {
  const int64_t day = t / kSecondsPerDay - (t % kSecondsPerDay < 0 ? 1 : 0);
  const int64_t sec = t - day * kSecondsPerDay;
  const chr::year_month_day ymd = Civil(day);
  char buf[96];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02lld:%02lld:%02lldZ", static_cast<int>(ymd.year()),
                static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
                static_cast<long long>(sec / 3600), static_cast<long long>(sec / 60 % 60),
                static_cast<long long>(sec % 60));
  out.append(buf);
}
}  // namespace

void AppendDemoOrderCsv(std::string& out, const std::string& customer_external_id, const DemoOrder& d) {
  const Order& o = d.order;
  for (size_t i = 0; i < o.lines.size(); ++i) {
    const OrderLine& line = o.lines[i];
    out.append(customer_external_id).push_back(',');
    out.append(o.external_id).push_back(',');
    AppendInstant(out, o.ordered_at);
    out.push_back(',');
    AppendYuan(out, o.total);
    out.push_back(',');
    out.append(kCatalogue[d.line_products[i]].code).push_back(',');
    out.append(std::to_string(line.quantity)).push_back(',');
    AppendYuan(out, line.unit_price);
    out.push_back(',');
    out.append(ToString(o.channel)).push_back(',');
    out.append(ToString(o.status)).push_back('\n');
  }
}

DemoOrderPlan DemoDataGenerator::PlanOrders(double orders_per_customer, UnixSeconds now) const {
  constexpr int64_t kSampleCustomers = 3000;
  const int64_t today = LocalDay(now);
  std::vector<int64_t> created(kSampleCustomers);
  for (int64_t i = 0; i < kSampleCustomers; ++i) created[static_cast<size_t>(i)] = LocalDay(CreatedAt(i, now));
  auto mean_at = [&](uint32_t scale) {
    int64_t total = 0;
    int segment = 0;
    for (int64_t i = 0; i < kSampleCustomers; ++i) {
      total += static_cast<int64_t>(PurchaseDays(seed_, i, created[static_cast<size_t>(i)], today, scale, &segment).size());
    }
    return static_cast<double>(total) / kSampleCustomers;
  };
  uint32_t lo = 1, hi = 20000;  // percent
  while (hi - lo > 1) {
    const uint32_t mid = lo + (hi - lo) / 2;
    if (mean_at(mid) < orders_per_customer) lo = mid; else hi = mid;
  }
  DemoOrderPlan plan;
  plan.scale_pct = hi;
  return plan;
}

namespace {

size_t CatalogueIndex(std::string_view code) {
  for (size_t i = 0; i < std::size(kCatalogue); ++i) {
    if (kCatalogue[i].code == code) return i;
  }
  return std::size(kCatalogue);
}

// Adds the companion lines (at list price) of the order's products.
void AddCompanions(Rng& r, DemoOrder& d) {
  const size_t lines = d.line_products.size();
  for (size_t k = 0; k < lines; ++k) {
    const std::string_view code = kCatalogue[d.line_products[k]].code;
    for (const Companion& c : kCompanions) {
      if (c.product != code || !r.Percent(c.percent)) continue;
      const size_t product = CatalogueIndex(c.companion);
      if (std::find(d.line_products.begin(), d.line_products.end(), product) != d.line_products.end()) continue;
      const CatalogueEntry& e = kCatalogue[product];
      OrderLine line;
      line.description = std::string(e.name);
      line.quantity = r.Between(1, e.max_quantity);
      line.unit_price = e.list_price;
      d.order.total += line.LineTotal();
      d.order.lines.push_back(std::move(line));
      d.line_products.push_back(product);
    }
  }
}

}  // namespace

std::vector<DemoOrder> DemoDataGenerator::Orders(int64_t index, UnixSeconds created_at, UnixSeconds now,
                                                 const DemoOrderPlan& plan) const {
  int segment = 0;
  const std::vector<int64_t> days =
      PurchaseDays(seed_, index, LocalDay(created_at), LocalDay(now), plan.scale_pct, &segment);
  std::vector<DemoOrder> out;
  if (days.empty()) return out;
  out.reserve(days.size());
  Rng r(seed_, index, kStreamOrderContent);
  Rng companions(seed_, index, kStreamCompanion);  // its own stream: the other draws stay put
  const size_t favourite = PickProduct(r);
  const OrderChannel usual_channel = kChannels[PickIndex(r, kChannelWeights)];
  const int quantity_factor = kSegments[static_cast<size_t>(segment)].quantity_factor;
  for (size_t n = 0; n < days.size(); ++n) {
    DemoOrder d;
    Order& o = d.order;
    o.external_id = OrderExternalId(index, n);
    // Online and WeChat orders come in the evening too.
    const int64_t second = r.Percent(80) ? WorkSecond(r) : 7 * 3600 + r.Below(16 * 3600);
    o.ordered_at = std::max(created_at, std::min(AtLocal(days[n], second), now));
    o.channel = r.Percent(70) ? usual_channel : kChannels[PickIndex(r, kChannelWeights)];
    const uint32_t s = r.Below(1000);
    if (now - o.ordered_at < 7 * kSecondsPerDay) {
      o.status = s < 600 ? OrderStatus::kPlaced : OrderStatus::kPaid;
    } else {
      o.status = s < 940 ? OrderStatus::kPaid : s < 970 ? OrderStatus::kRefunded : OrderStatus::kCancelled;
    }
    const uint32_t line_draw = r.Below(100);
    const size_t line_count = line_draw < 74 ? 1 : line_draw < 93 ? 2 : 3;
    for (size_t k = 0; k < line_count; ++k) {
      size_t product = (k == 0 && r.Percent(55)) ? favourite : PickProduct(r);
      for (int tries = 0; tries < 8 && std::find(d.line_products.begin(), d.line_products.end(),
                                                   product) != d.line_products.end(); ++tries) {
        product = PickProduct(r);
      }
      if (std::find(d.line_products.begin(), d.line_products.end(), product) != d.line_products.end()) continue;
      const CatalogueEntry& e = kCatalogue[product];
      OrderLine line;
      line.product_id = std::nullopt;
      line.description = std::string(e.name);
      line.quantity = static_cast<int64_t>(r.Between(1, e.max_quantity)) * quantity_factor;
      // Negotiated prices: most at list, some 3..15 % off.
      static constexpr std::array<uint32_t, 5> kOffWeights = {60, 10, 15, 10, 5};
      static constexpr int64_t kOffPct[5] = {0, 3, 5, 10, 15};
      line.unit_price = e.list_price * (100 - kOffPct[PickIndex(r, kOffWeights)]) / 100;
      o.total += line.LineTotal();
      o.lines.push_back(std::move(line));
      d.line_products.push_back(product);
    }
    AddCompanions(companions, d);
    out.push_back(std::move(d));
  }
  return out;
}

DemoOpportunity DemoDataGenerator::MakeOpportunity(int64_t index, int64_t customer_count, UnixSeconds now) const {
  Rng r(seed_, index, kStreamOpportunity);
  DemoOpportunity out;
  // Mostly organisations: redraw an individual up to three times.
  int64_t ci = static_cast<int64_t>(r.Below(static_cast<uint32_t>(std::max<int64_t>(customer_count, 1))));
  DemoCustomer customer = Make(ci);
  for (int tries = 0; tries < 3 && customer.customer.kind != CustomerKind::kOrganization; ++tries) {
    ci = static_cast<int64_t>(r.Below(static_cast<uint32_t>(std::max<int64_t>(customer_count, 1))));
    customer = Make(ci);
  }
  out.customer_index = ci;
  const Customer& c = customer.customer;
  Opportunity& o = out.opportunity;

  const int64_t today = LocalDay(now);
  const int64_t customer_day = LocalDay(CreatedAt(ci, now));
  // Created within the last ~13 months, more of them recently.
  int64_t days_ago = r.Below(400);
  if (r.Percent(70)) days_ago = std::min<int64_t>(days_ago, r.Below(400));
  int64_t day = std::max(customer_day, today - days_ago);
  o.amount = OpportunityAmount(r, c);
  o.title = std::string(ShortName(c)) + " · " + std::string(PickAny(r, kProjects));
  o.expected_close = DayString(day + r.Between(30, 120));
  if (r.Percent(40)) o.competitor = std::string(PickAny(r, kCompetitors));

  auto event_at = [&](int64_t d) {
    UnixSeconds t = AtLocal(d, WorkSecond(r));
    if (!out.events.empty()) t = std::max(t, out.events.back().at + 60);
    return std::min(t, now);
  };
  auto add_event = [&](UnixSeconds at, std::string kind, std::string from, std::string to) {
    OpportunityEvent e;
    e.at = at;
    e.kind = std::move(kind);
    e.from_stage = std::move(from);
    e.to_stage = std::move(to);
    e.amount = o.amount;
    e.expected_close = o.expected_close;
    out.events.push_back(std::move(e));
  };

  // Some opportunities start further down the funnel (a referral, a re-order).
  int stage = r.Percent(80) ? 0 : r.Between(1, 2);
  add_event(event_at(day), "create", "", std::string(kOpenStages[stage]));
  std::string final_stage;
  while (true) {
    const int64_t next = day + 2 + ExpDays(r, kDwellDays[stage]);
    if (next > today) break;  // still in this stage today
    day = next;
    const uint32_t u = r.Below(10000);
    const std::string from(kOpenStages[stage]);
    if (stage >= 2 && u >= 9700) {  // moved back a stage: the need was not what it seemed
      --stage;
      add_event(event_at(day), "stage", from, std::string(kOpenStages[stage]));
    } else if (u < kAdvanceBp[stage]) {
      if (stage == 5) {
        final_stage = std::string(kWonStage);
        break;
      }
      ++stage;
      add_event(event_at(day), "stage", from, std::string(kOpenStages[stage]));
    } else {
      final_stage = std::string(kLostStage);
      break;
    }
  }
  if (!final_stage.empty()) {
    o.closed_on = DayString(day);
    o.loss_reason = final_stage == kLostStage ? std::string(PickAny(r, kLossReasons)) : "";
    if (final_stage == kWonStage) o.expected_close = o.closed_on;
    add_event(event_at(day), "stage", std::string(kOpenStages[stage]), final_stage);
    o.stage = final_stage;
  } else {
    o.stage = std::string(kOpenStages[stage]);
    o.next_step = std::string(kStageNextSteps[stage]);
    // Open ones expected in the past get a new date: mostly this quarter or the next.
    const chr::year_month_day now_ymd = Civil(today);
    const unsigned q0 = (static_cast<unsigned>(now_ymd.month()) - 1) / 3;
    auto quarter_first = [&](unsigned quarters_ahead) {
      const unsigned m = q0 * 3 + quarters_ahead * 3;  // months from January of this year
      return DayNumber(chr::year_month_day{now_ymd.year() + chr::years{static_cast<int>(m / 12)},
                                           chr::month{m % 12 + 1}, chr::day{1}});
    };
    if (o.expected_close < DayString(today)) {
      const uint32_t w = r.Below(100);
      int64_t lo = today, hi = quarter_first(1) - 1;
      if (w >= 60) { lo = quarter_first(1); hi = quarter_first(2) - 1; }
      if (w >= 90) { lo = quarter_first(2); hi = quarter_first(3) - 1; }
      o.expected_close = DayString(lo + r.Below(static_cast<uint32_t>(hi - lo + 1)));
      const int64_t last = LocalDay(out.events.back().at);
      add_event(event_at(last + r.Below(static_cast<uint32_t>(std::max<int64_t>(today - last, 0) + 1))),
                "update", "", o.stage);
    }
  }
  // MAN: the further an opportunity got, the more likely all three are known.
  const uint32_t base = 45 + 9 * static_cast<uint32_t>(std::min(stage, 5));
  o.money = r.Percent(base);
  o.authority = r.Percent(base - 10);
  o.need = r.Percent(base + 20);
  if (r.Percent(12)) o.notes = "客户" + std::string(c.city) + "总部统一采购，需要走招标流程。";
  o.created_at = out.events.front().at;
  o.updated_at = out.events.back().at;
  o.stage_entered_at = o.created_at;
  for (const auto& e : out.events) {
    if (e.kind != "update") o.stage_entered_at = e.at;
  }
  return out;
}

DemoRep DemoDataGenerator::MakeRep(int64_t index) const {
  Rng r(seed_, index, kStreamRep);
  DemoRep rep;
  char login[32];
  std::snprintf(login, sizeof login, "rep.%04lld", static_cast<long long>(index + 1));
  rep.login = login;
  rep.display_name = MakePersonName(r, r.Percent(45)).Han();
  rep.team = std::string(kRepTeams[static_cast<size_t>(index) % std::size(kRepTeams)]);
  return rep;
}

int64_t DemoDataGenerator::TargetFor(int64_t rep_key, std::string_view quarter, int64_t funnel) const {
  uint64_t h = 0;
  for (char ch : quarter) h = h * 131 + static_cast<unsigned char>(ch);
  Rng r(seed_ ^ h, rep_key, kStreamTarget);
  constexpr int64_t kStep = 10000 * 100;  // 1 万元 in fen
  const int64_t scaled = funnel / 100 * r.Between(85, 125);
  return std::max<int64_t>(10 * kStep, (scaled + kStep - 1) / kStep * kStep);
}

std::vector<Instalment> DemoDataGenerator::PaymentPlan(const Opportunity& won) const {
  Rng r(seed_, won.id, kStreamPayment);
  const int n = r.Between(2, 4);
  static constexpr int kShares[3][4] = {{50, 50, 0, 0}, {30, 40, 30, 0}, {30, 30, 30, 10}};
  static constexpr std::string_view kNotes[4] = {"首付款", "到货款", "验收款", "质保金"};
  std::vector<Instalment> plan;
  const std::string start = won.closed_on.empty() ? won.expected_close : won.closed_on;
  int64_t left = won.amount;
  for (int k = 0; k < n; ++k) {
    Instalment i;
    i.opportunity_id = won.id > 0 ? std::optional<int64_t>(won.id) : std::nullopt;
    i.due_on = AddDays(start, 10 + 30 * k);
    i.amount = k + 1 == n ? left : won.amount * kShares[n - 2][k] / 100;
    left -= i.amount;
    i.note = std::string(kNotes[k]);
    if (i.amount > 0) plan.push_back(std::move(i));
  }
  return plan;
}

std::vector<Receipt> DemoDataGenerator::Receipts(const Opportunity& won, const std::vector<Instalment>& plan,
                                                 std::string_view today) const {
  Rng r(seed_, won.id, kStreamPayment + 100);
  static constexpr std::string_view kMethods[] = {"bank_transfer", "bank_transfer", "bank_transfer",
                                                  "cheque", "alipay", "wechat_pay"};
  std::vector<Receipt> receipts;
  for (const Instalment& i : plan) {
    const int late = r.Percent(30) ? r.Between(1, 40) : -r.Between(0, 5);
    const std::string paid_on = AddDays(i.due_on, late);
    if (paid_on > today) break;  // not paid yet: due, or overdue
    Receipt rc;
    rc.opportunity_id = i.opportunity_id;
    rc.received_on = paid_on;
    // Now and then a customer pays part of an instalment and stops there.
    const bool partial = r.Percent(8);
    rc.amount = partial ? std::max<int64_t>(1, i.amount / 2) : i.amount;
    rc.method = std::string(PickAny(r, kMethods));
    rc.note = std::string(i.note);
    receipts.push_back(std::move(rc));
    if (partial) break;
  }
  return receipts;
}

// =============================================================================
// Relationship work: interactions and follow-up tasks.
// =============================================================================

namespace {

struct ChannelWeight {
  std::string_view key;
  uint32_t weight;
  int min_minutes, max_minutes;  // a duration is recorded for talks only (max 0: none)
};

constexpr ChannelWeight kInteractionChannels[] = {
    {"phone", 36, 2, 25}, {"wechat", 26, 0, 0}, {"face_to_face", 14, 30, 120}, {"email", 12, 0, 0},
    {"sms", 4, 0, 0},     {"web", 4, 0, 0},     {"fax", 1, 0, 0},              {"other", 3, 0, 0},
};

// What a contact was about: the subject, what was said, and how it ended. Kept
// generic enough for any channel; `buyer` topics need a customer who ordered.
struct Topic {
  std::string_view subject;
  std::string_view summary;
  std::string_view outcome;
  bool buyer;     // only for customers who have ordered
  bool inbound;   // usually the customer's initiative
};

constexpr Topic kTopics[] = {
    {"初次拜访，介绍公司产品线", "介绍了打印设备、办公家具和耗材配送服务，客户对月结采购比较感兴趣。",
     "留下产品目录，约定下周发报价。", false, false},
    {"了解办公采购需求", "客户行政部负责办公用品采购，目前分散在几家供应商，希望统一。",
     "整理需求清单，准备整体方案。", false, false},
    {"报价跟进", "发送了复印纸、硒鼓和文具套装的阶梯报价，客户认为价格略高。",
     "申请 5% 折扣后再报一次。", false, false},
    {"询问会议平板价格", "客户新建会议室，询问 65 英寸会议平板和投影仪的价格与安装周期。",
     "发送了两套配置方案。", false, true},
    {"样品试用反馈", "客户试用了人体工学椅样品，员工反馈舒适度好。", "客户准备小批量采购。", false, false},
    {"年度采购计划沟通", "客户明年预算有所增加，计划更换部分打印设备。", "约定下月初上门详谈。", false, false},
    {"耗材补货提醒", "提醒客户硒鼓和复印纸库存快用完，询问是否需要按上次清单补货。", "客户确认补货，已下单。",
     true, false},
    {"订单发货确认", "确认订单的发货时间和收货地址，客户要求周五前送达。", "已安排物流，周四送达。", true, false},
    {"发票开具", "客户财务要求开具增值税专用发票，核对了开票信息。", "发票已寄出。", true, true},
    {"售后报修", "客户反映彩色一体机卡纸，远程指导未解决。", "已派工程师明天上门维修。", true, true},
    {"维修回访", "回访上周的打印机维修，设备运行正常。", "客户满意，顺便推荐了维保合同。", true, false},
    {"对账与回款", "核对了上季度的对账单，有一张订单金额有出入。", "修正后客户确认，本月底付款。", true, false},
    {"维保合同续签", "设备年度维保合同下月到期，沟通续签条件。", "客户同意续签一年。", true, false},
    {"新品推荐", "推荐了新款空气净化器和替换滤网套餐。", "客户暂不需要，下季度再联系。", true, false},
    {"客户投诉处理", "客户投诉上次送货延迟两天，影响了会议使用。", "致歉并承诺下次优先配送，赠送一箱复印纸。",
     true, true},
    {"节日问候", "节前问候客户，感谢一年来的合作。", "客户表示感谢，节后会有新的采购。", true, false},
    {"满意度回访", "了解客户对产品和服务的满意度，整体评价良好。", "客户建议增加线上下单渠道。", true, false},
    {"价格咨询", "客户通过官网咨询 A3 复合机和文件柜的价格。", "已回复报价单并加了微信。", false, true},
};

constexpr std::string_view kFollowUpTitles[] = {
    "发送报价单", "确认补货清单", "回访售后维修情况", "约上门拜访时间", "跟进付款进度",
    "寄送产品样品", "确认维保合同续签", "发送新品资料", "核对对账单", "确认年度采购计划",
};

constexpr std::string_view kReturnVisitTitles[] = {"定期回访", "季度回访", "使用情况回访"};

constexpr std::string_view kTaskNotes[] = {"", "", "客户偏好微信沟通。", "联系前先看上次的报价。",
                                           "客户行政负责人下午有空。"};

constexpr std::string_view kCompletionNotes[] = {"已完成，客户满意。", "已联系，客户暂无新需求。",
                                                 "已发送，客户已确认收到。", "电话沟通完毕。"};

constexpr std::string_view kDueTimes[] = {"09:30", "10:00", "11:00", "14:00", "15:30", "16:30"};

}  // namespace

std::vector<Interaction> DemoDataGenerator::Interactions(int64_t index, UnixSeconds created_at, UnixSeconds now,
                                                         int64_t purchases) const {
  Rng r(seed_, index, kStreamInteraction);
  // Buyers get a contact every order or two; others a few calls while they were leads.
  int n = static_cast<int>(r.Below(4));
  if (purchases > 0) n = 2 + static_cast<int>(std::min<int64_t>(purchases, 14) * 2 / 3) + static_cast<int>(r.Below(3));
  n = std::min(n, 12);
  std::vector<Interaction> out;
  if (n == 0 || now <= created_at) return out;
  const int64_t first_day = LocalDay(created_at);
  const int64_t span = std::max<int64_t>(LocalDay(now) - first_day, 0) + 1;
  std::vector<UnixSeconds> times;
  times.reserve(static_cast<size_t>(n));
  for (int k = 0; k < n; ++k) {
    int64_t day = first_day + static_cast<int64_t>(r.Below(static_cast<uint32_t>(span)));
    const int wd = Weekday(day);
    if (wd == 6 && r.Percent(80)) day -= 1;  // offices talk on weekdays
    if (wd == 0 && r.Percent(80)) day -= 2;
    times.push_back(std::clamp(AtLocal(day, WorkSecond(r)), created_at, now));
  }
  std::sort(times.begin(), times.end());
  out.reserve(times.size());
  for (UnixSeconds at : times) {
    const ChannelWeight& ch = Pick<kInteractionChannels>(r);
    const Topic* topic = &PickAny(r, kTopics);
    for (int tries = 0; tries < 4 && topic->buyer && purchases == 0; ++tries) topic = &PickAny(r, kTopics);
    if (topic->buyer && purchases == 0) topic = &kTopics[0];
    Interaction i;
    i.channel = std::string(ch.key);
    i.direction = r.Percent(topic->inbound ? 80 : 15) ? "inbound" : "outbound";
    i.at = at;
    i.subject = std::string(topic->subject);
    i.summary = std::string(topic->summary);
    i.outcome = r.Percent(90) ? std::string(topic->outcome) : "";
    if (ch.max_minutes > 0) i.duration_minutes = r.Between(ch.min_minutes, ch.max_minutes);
    i.created_at = i.updated_at = at;
    out.push_back(std::move(i));
  }
  return out;
}

std::vector<Task> DemoDataGenerator::Tasks(int64_t index, UnixSeconds created_at, UnixSeconds now) const {
  Rng r(seed_, index, kStreamTask);
  std::vector<Task> out;
  if (now < created_at) return out;
  const int64_t today = LocalDay(now);
  const int64_t first_day = LocalDay(created_at);
  // Done ones: 0..2 follow-ups or return visits in the customer's past.
  const int done = static_cast<int>(PickIndex(r, std::array<uint32_t, 3>{50, 35, 15}));
  for (int k = 0; k < done && today - first_day >= 2; ++k) {
    Task t;
    const bool visit = r.Percent(40);
    t.kind = visit ? "return_visit" : "follow_up";
    t.title = std::string(visit ? PickAny(r, kReturnVisitTitles) : PickAny(r, kFollowUpTitles));
    const int64_t due = first_day + 1 + static_cast<int64_t>(r.Below(static_cast<uint32_t>(today - first_day - 1)));
    t.due_day = DayString(due);
    t.status = "done";
    t.created_at = std::max(created_at, AtLocal(due - r.Between(1, 10), WorkSecond(r)));
    t.completed_at = std::clamp(AtLocal(due - r.Between(0, 1), WorkSecond(r)), t.created_at, now);
    t.updated_at = *t.completed_at;
    t.completion_note = std::string(PickAny(r, kCompletionNotes));
    out.push_back(std::move(t));
  }
  // An open follow-up for about a third: overdue, due today, or coming up.
  if (r.Percent(35)) {
    Task t;
    t.title = std::string(PickAny(r, kFollowUpTitles));
    const uint32_t when = r.Below(100);
    const int64_t due = when < 30 ? today - r.Between(1, 14) : when < 50 ? today : today + r.Between(1, 21);
    t.due_day = DayString(due);
    if (r.Percent(30)) t.due_time = std::string(PickAny(r, kDueTimes));
    static constexpr std::array<uint32_t, 4> kPriorityWeights = {15, 55, 25, 5};
    static constexpr std::string_view kPriorities[] = {"low", "normal", "high", "urgent"};
    t.priority = std::string(kPriorities[PickIndex(r, kPriorityWeights)]);
    t.note = std::string(PickAny(r, kTaskNotes));
    t.created_at = std::clamp(AtLocal(std::min(due, today) - r.Between(0, 7), WorkSecond(r)), created_at, now);
    t.updated_at = t.created_at;
    out.push_back(std::move(t));
  }
  return out;
}

}  // namespace guanxi
