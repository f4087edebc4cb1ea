// Use cases of the customer archive: customers and their contacts, with the
// ownership rules of service/permissions.h and an audit entry for every change.
// Thread-safe (state lives in the Store).
#pragma once

#include <cstdint>
#include <vector>

#include "domain/customer.h"
#include "domain/status.h"
#include "service/clock.h"
#include "service/permissions.h"
#include "store/store.h"

namespace guanxi {

class CustomerService {
 public:
  CustomerService(Store& store, const Clock& clock) : store_(store), clock_(clock) {}

  // Creates a customer. A sales user's customer is theirs unless they name
  // nobody else; managers may assign within their team; admins to anyone.
  Result<Customer> Create(const Principal& p, Customer draft);
  // NotFound when missing or not visible to `p`.
  Result<Customer> Get(const Principal& p, int64_t id);
  // Saves `changed` (a visible customer edited by the caller) when its `version`
  // is still current; Conflict otherwise.
  Result<Customer> Update(const Principal& p, Customer changed);
  Result<Customer> SetArchived(const Principal& p, int64_t id, bool archived);
  // Admin only; removes the customer and its contacts.
  Status Delete(const Principal& p, int64_t id);
  // The query's scope is replaced by what `p` may see.
  Result<Page<Customer>> List(const Principal& p, CustomerQuery q);

  Result<Contact> CreateContact(const Principal& p, Contact draft);
  Result<Contact> GetContact(const Principal& p, int64_t id);
  Result<Contact> UpdateContact(const Principal& p, Contact changed);
  Status DeleteContact(const Principal& p, int64_t id);
  Result<std::vector<Contact>> ListContacts(const Principal& p, int64_t customer_id);

 private:
  Status CheckVisible(const Principal& p, const Customer& c);
  Status CheckWritable(const Principal& p, const Customer& c);
  Status CheckOwnerAssignable(const Principal& p, std::optional<int64_t> owner);
  AuditEntry Audit(const Principal& p, const char* entity, const char* action) const;

  Store& store_;
  const Clock& clock_;
};

}  // namespace guanxi
