#include "service/relationship_services.h"

namespace guanxi {

RelationshipServices::RelationshipServices(Store& /*store*/, const Clock& /*clock*/, TaskService& tasks)
    : tasks(tasks) {}

}  // namespace guanxi
