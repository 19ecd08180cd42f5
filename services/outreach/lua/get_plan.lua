-- Read-only. arg: [1] date. Returns {h, tasks, gen = 0} (lib.lua plan_view), or {none = 1}.
local view = plan_view(arg(1))
if not view then
  return cjson.encode({none = 1})
end
view.gen = 0
return cjson.encode(view)
