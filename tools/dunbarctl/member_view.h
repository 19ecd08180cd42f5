// Table renderings of members shared by the member, import and rank commands.
//
//   PrintMemberRows(response.members(), out);   // ID  NAME  STAGE  PHONE  WECHAT  EMAIL  TAGS ...
//   PrintMemberDetail(member, out);             // one "field  value" line per set field
#pragma once

#include <ostream>
#include <string>

#include "dunbar/membership/v1/membership.pb.h"
#include "google/protobuf/repeated_ptr_field.h"

namespace dunbar::dunbarctl {

void PrintMemberRows(const google::protobuf::RepeatedPtrField<membership::v1::Member>& members,
                     std::ostream& out);
void PrintMemberDetail(const membership::v1::Member& member, std::ostream& out);

// "vip;深度工作"
std::string JoinTags(const google::protobuf::RepeatedPtrField<std::string>& tags);

}  // namespace dunbar::dunbarctl
