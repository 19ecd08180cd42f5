#!/usr/bin/env python3
# Regenerates services/gateway/openapi.json from the route table (services/gateway/route_table.cc)
# and the request/response messages in protos/ (field lists, comments, enums). Run it after
# changing a route or a GET/DELETE request message; tests/gateway/openapi_sync_test.cc fails while
# the document and the route table disagree.
#
#   tools/gen-openapi.py            # rewrites services/gateway/openapi.json
#
# A small regex reader, not a protobuf parser: it relies on the protos' one-field-per-line style.
# Bodies are described by message name (protobuf JSON of dunbar.x.v1.Message), not as schemas.
import os
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
import re, json
protos = {'cohort':ROOT + '/protos/dunbar/cohort/v1/cohort.proto','membership':ROOT + '/protos/dunbar/membership/v1/membership.proto','outreach':ROOT + '/protos/dunbar/outreach/v1/outreach.proto'}
msgs={}; rpcs={}
for svc,path in protos.items():
    text=open(path).read()
    for m in re.finditer(r'rpc (\w+)\((stream )?(\w+)\)\s*returns\s*\((stream )?(\w+)\)', text):
        rpcs[m.group(1)]=(svc,m.group(3),m.group(5),bool(m.group(2)))
    for m in re.finditer(r'^message (\w+) \{(.*?)^\}', text, re.S|re.M):
        fields=[]
        for f in re.finditer(r'^\s*(repeated )?([\w.]+) (\w+) = \d+;(.*)$', m.group(2), re.M):
            fields.append((bool(f.group(1)), f.group(2), f.group(3), f.group(4).strip().lstrip('/').strip()))
        msgs[(svc,m.group(1))]=fields
src=open(ROOT + '/services/gateway/route_table.cc').read()
routes=re.findall(r'R\("(\w+)",\s*"([^"]+)",\s*k(\w+),\s*"(\w+)"(?:,\s*\{\{"(\w+)", "([\w.]+)"\}\})?\)', src)
scalar={'string':('string',None),'int32':('integer','int32'),'int64':('string','int64'),'bool':('boolean',None),'double':('number','double')}
enums={}
for svc,path in protos.items():
    text=open(path).read()
    for m in re.finditer(r'^enum (\w+) \{(.*?)^\}', text, re.S|re.M):
        enums[m.group(1)]=re.findall(r'^\s*(\w+) = \d+;', m.group(2), re.M)
def summary(rpc, svc, req):
    words=re.sub(r'([A-Z])', r' \1', rpc).strip().lower()
    return f"{rpc}: {words} ({svc} service)"
doc={"openapi":"3.0.3","info":{"title":"dunbar gateway","version":"v1","description":"HTTP/JSON API of the dunbar gateway. Every /v1 route (except the payment webhook) needs `Authorization: Bearer <operator token>`, passed through to the gRPC service named by operationId. Requests: the JSON body (protobuf JSON of the gRPC request message), then query parameters (request fields), then path parameters. `Idempotency-Key` fills an empty request_id. Responses: the gRPC response message as protobuf JSON (lowerCamel names, defaults included). Errors: {\"error\":{\"code\":<http>,\"status\":\"<GRPC_CODE>\",\"message\":\"...\"}}."},
     "components":{"securitySchemes":{"bearer":{"type":"http","scheme":"bearer"}},
        "schemas":{"Error":{"type":"object","properties":{"error":{"type":"object","properties":{"code":{"type":"integer"},"status":{"type":"string"},"message":{"type":"string"}}}}}},
        "responses":{"Error":{"description":"error (see the status mapping)","content":{"application/json":{"schema":{"$ref":"#/components/schemas/Error"}}}}}},
     "security":[{"bearer":[]}],"paths":{}}
for method,pattern,svcname,rpc,param,field in routes:
    svc,req,resp,client_stream=rpcs[rpc]
    pkg={'cohort':'dunbar.cohort.v1','membership':'dunbar.membership.v1','outreach':'dunbar.outreach.v1'}[svc]
    path_params=re.findall(r'\{(\w+)\}', pattern)
    params=[]
    for p in path_params:
        fieldname = field if param==p else p
        params.append({"name":p,"in":"path","required":True,"schema":{"type":"string"},"description":f"fills request field {fieldname}"})
    if method in ('GET','DELETE'):
        for rep,typ,name,comment in msgs[(svc,req)]:
            if name=='tenant' or name in path_params: continue
            if typ in scalar:
                t,fmt=scalar[typ]; schema={"type":t}
                if fmt: schema["format"]=fmt
            elif typ in enums:
                schema={"type":"string","enum":enums[typ]}
            else:
                continue
            if rep: schema={"type":"array","items":schema}
            q={"name":name,"in":"query","required":False,"schema":schema}
            if rep: q["explode"]=True
            if comment: q["description"]=comment
            params.append(q)
    op={"operationId":rpc,"summary":summary(rpc,svc,req),"tags":[svc],"parameters":params,
        "responses":{"200":{"description":f"{pkg}.{resp}","content":{"application/json":{"schema":{"type":"object","description":f"protobuf JSON of {pkg}.{resp}"}}}},"default":{"$ref":"#/components/responses/Error"}}}
    if method in ('POST','PUT','PATCH'):
        desc=f"protobuf JSON of {pkg}.{req} (tenant not needed)"
        if client_stream: desc+="; sent as one stream message with endOfImport=true"
        op["requestBody"]={"required":False,"content":{"application/json":{"schema":{"type":"object","description":desc}}}}
    if method=='DELETE' or any(f[2]=='request_id' for f in msgs[(svc,req)]):
        op["parameters"].append({"name":"Idempotency-Key","in":"header","required":False,"schema":{"type":"string"},"description":"fills request_id when empty"})
    doc["paths"].setdefault(pattern,{})[method.lower()]=op
own={
 ("/v1/webhooks/payments","post"):{"operationId":"PaymentWebhook","summary":"payment provider webhook: find or create the payer, grant the entitlement, enrol (HMAC signed, no bearer token)","tags":["gateway"],"security":[],
   "parameters":[{"name":"Dunbar-Signature","in":"header","required":True,"schema":{"type":"string"},"description":"t=<unix seconds>,v1=<hex HMAC-SHA256(secret, \"<t>.\" + raw body)>"}],
   "requestBody":{"required":True,"content":{"application/json":{"schema":{"type":"object","description":"protobuf JSON of dunbar.gateway.v1.PaymentEvent"}}}},
   "responses":{"200":{"description":"dunbar.gateway.v1.PaymentResult","content":{"application/json":{"schema":{"type":"object"}}}},"default":{"$ref":"#/components/responses/Error"}}},
 ("/healthz","get"):{"operationId":"Healthz","summary":"liveness: 200 {\"status\":\"SERVING\"} while the process is up","tags":["gateway"],"security":[],"responses":{"200":{"description":"up"}}},
 ("/readyz","get"):{"operationId":"Readyz","summary":"readiness: 200 when membership, cohort and outreach answer gRPC health SERVING, else 503 naming which","tags":["gateway"],"security":[],"responses":{"200":{"description":"ready"},"503":{"$ref":"#/components/responses/Error"}}},
 ("/metrics","get"):{"operationId":"Metrics","summary":"Prometheus text: requests by route/method/status, latency histogram per route","tags":["gateway"],"security":[],"responses":{"200":{"description":"text/plain; version=0.0.4","content":{"text/plain":{"schema":{"type":"string"}}}}}},
 ("/openapi.json","get"):{"operationId":"OpenApi","summary":"this document","tags":["gateway"],"security":[],"responses":{"200":{"description":"OpenAPI 3 document"}}},
 ("/","get"):{"operationId":"Dashboard","summary":"the dashboard (index.html; other files at /<file>)","tags":["gateway"],"security":[],"responses":{"200":{"description":"text/html"}}},
}
for (p,m),op in own.items():
    doc["paths"].setdefault(p,{})[m]=op
json.dump(doc, open(ROOT + '/services/gateway/openapi.json','w'), indent=2, ensure_ascii=False)
print(f"openapi.json: {len(routes)} routes from the table + {len(own)} gateway routes")
