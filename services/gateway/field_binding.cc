#include "services/gateway/field_binding.h"

#include <google/protobuf/descriptor.h>
#include <google/protobuf/util/json_util.h>

#include <nlohmann/json.hpp>
#include <set>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

namespace dunbar::gateway {
namespace {

using google::protobuf::Descriptor;
using google::protobuf::FieldDescriptor;
using google::protobuf::Message;
using google::protobuf::Reflection;

const FieldDescriptor* FindField(const Descriptor& descriptor, absl::string_view name) {
  const std::string key(name);
  if (const FieldDescriptor* field = descriptor.FindFieldByName(key)) return field;
  return descriptor.FindFieldByCamelcaseName(key);
}

// Walks `path` down singular message fields; returns the message holding the last field.
absl::Status Resolve(Message& root, absl::string_view path, absl::string_view what, Message** owner,
                     const FieldDescriptor** field) {
  std::vector<absl::string_view> names = absl::StrSplit(path, '.');
  Message* current = &root;
  for (size_t i = 0; i < names.size(); ++i) {
    const FieldDescriptor* f = FindField(*current->GetDescriptor(), names[i]);
    if (f == nullptr) {
      return absl::InvalidArgumentError(
          absl::StrCat(what, ": unknown field \"", path, "\" in ", current->GetTypeName()));
    }
    if (i + 1 == names.size()) {
      *owner = current;
      *field = f;
      return absl::OkStatus();
    }
    if (f->cpp_type() != FieldDescriptor::CPPTYPE_MESSAGE || f->is_repeated() || f->is_map()) {
      return absl::InvalidArgumentError(
          absl::StrCat(what, ": \"", path, "\": ", f->name(), " is not a singular message"));
    }
    current = current->GetReflection()->MutableMessage(current, f);
  }
  return absl::InvalidArgumentError(absl::StrCat(what, ": empty field name"));
}

absl::Status BadValue(absl::string_view what, absl::string_view value, absl::string_view expected) {
  return absl::InvalidArgumentError(absl::StrCat(what, ": \"", value, "\" is not ", expected));
}

absl::Status SetValue(Message& owner, const FieldDescriptor& field, absl::string_view value,
                      absl::string_view what) {
  const Reflection& r = *owner.GetReflection();
  const bool repeated = field.is_repeated();
  // Forms send unused filters as "stage=": an empty value leaves a non-string field at its default.
  if (value.empty() && field.cpp_type() != FieldDescriptor::CPPTYPE_STRING) return absl::OkStatus();
  switch (field.cpp_type()) {
    case FieldDescriptor::CPPTYPE_STRING: {
      std::string text(value);
      if (field.type() == FieldDescriptor::TYPE_BYTES) {
        return absl::InvalidArgumentError(
            absl::StrCat(what, ": bytes fields cannot be set from text"));
      }
      repeated ? r.AddString(&owner, &field, std::move(text))
               : r.SetString(&owner, &field, std::move(text));
      return absl::OkStatus();
    }
    case FieldDescriptor::CPPTYPE_INT32: {
      int32_t v;
      if (!absl::SimpleAtoi(value, &v)) return BadValue(what, value, "a 32-bit integer");
      repeated ? r.AddInt32(&owner, &field, v) : r.SetInt32(&owner, &field, v);
      return absl::OkStatus();
    }
    case FieldDescriptor::CPPTYPE_INT64: {
      int64_t v;
      if (!absl::SimpleAtoi(value, &v)) return BadValue(what, value, "an integer");
      repeated ? r.AddInt64(&owner, &field, v) : r.SetInt64(&owner, &field, v);
      return absl::OkStatus();
    }
    case FieldDescriptor::CPPTYPE_UINT32: {
      uint32_t v;
      if (!absl::SimpleAtoi(value, &v)) return BadValue(what, value, "an unsigned integer");
      repeated ? r.AddUInt32(&owner, &field, v) : r.SetUInt32(&owner, &field, v);
      return absl::OkStatus();
    }
    case FieldDescriptor::CPPTYPE_UINT64: {
      uint64_t v;
      if (!absl::SimpleAtoi(value, &v)) return BadValue(what, value, "an unsigned integer");
      repeated ? r.AddUInt64(&owner, &field, v) : r.SetUInt64(&owner, &field, v);
      return absl::OkStatus();
    }
    case FieldDescriptor::CPPTYPE_DOUBLE: {
      double v;
      if (!absl::SimpleAtod(value, &v)) return BadValue(what, value, "a number");
      repeated ? r.AddDouble(&owner, &field, v) : r.SetDouble(&owner, &field, v);
      return absl::OkStatus();
    }
    case FieldDescriptor::CPPTYPE_FLOAT: {
      float v;
      if (!absl::SimpleAtof(value, &v)) return BadValue(what, value, "a number");
      repeated ? r.AddFloat(&owner, &field, v) : r.SetFloat(&owner, &field, v);
      return absl::OkStatus();
    }
    case FieldDescriptor::CPPTYPE_BOOL: {
      bool v;
      if (value == "true") {
        v = true;
      } else if (value == "false") {
        v = false;
      } else {
        return BadValue(what, value, "true or false");
      }
      repeated ? r.AddBool(&owner, &field, v) : r.SetBool(&owner, &field, v);
      return absl::OkStatus();
    }
    case FieldDescriptor::CPPTYPE_ENUM: {
      const auto* enum_value = field.enum_type()->FindValueByName(std::string(value));
      int number;
      if (enum_value == nullptr && absl::SimpleAtoi(value, &number)) {
        enum_value = field.enum_type()->FindValueByNumber(number);
      }
      if (enum_value == nullptr) {
        return BadValue(what, value, absl::StrCat("a value of ", field.enum_type()->full_name()));
      }
      repeated ? r.AddEnum(&owner, &field, enum_value) : r.SetEnum(&owner, &field, enum_value);
      return absl::OkStatus();
    }
    case FieldDescriptor::CPPTYPE_MESSAGE: {
      if (field.is_map()) {
        return absl::InvalidArgumentError(
            absl::StrCat(what, ": map fields cannot be set from text"));
      }
      // Well-known types (Timestamp, FieldMask, wrappers) have a JSON string form: use it.
      Message* target = repeated ? r.AddMessage(&owner, &field) : r.MutableMessage(&owner, &field);
      const std::string json = nlohmann::json(std::string(value)).dump();
      auto status = google::protobuf::util::JsonStringToMessage(json, target);
      if (!status.ok()) {
        return absl::InvalidArgumentError(absl::StrCat(what, ": \"", value, "\" is not a valid ",
                                                       field.message_type()->full_name()));
      }
      return absl::OkStatus();
    }
  }
  return absl::InvalidArgumentError(absl::StrCat(what, ": unsupported field type"));
}

}  // namespace

absl::Status SetFieldFromText(Message& message, absl::string_view field_path,
                              absl::string_view value, absl::string_view what) {
  Message* owner = nullptr;
  const FieldDescriptor* field = nullptr;
  if (absl::Status s = Resolve(message, field_path, what, &owner, &field); !s.ok()) return s;
  return SetValue(*owner, *field, value, what);
}

absl::Status BindQueryParameters(Message& message,
                                 const std::multimap<std::string, std::string>& params) {
  std::set<const FieldDescriptor*> cleared;
  for (const auto& [name, value] : params) {
    const std::string what = absl::StrCat("query parameter \"", name, "\"");
    Message* owner = nullptr;
    const FieldDescriptor* field = nullptr;
    if (absl::Status s = Resolve(message, name, what, &owner, &field); !s.ok()) return s;
    if (field->is_repeated() && cleared.insert(field).second) {
      owner->GetReflection()->ClearField(owner, field);
    }
    if (absl::Status s = SetValue(*owner, *field, value, what); !s.ok()) return s;
  }
  return absl::OkStatus();
}

}  // namespace dunbar::gateway
