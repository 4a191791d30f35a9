"""Generates a Python client from the served OpenAPI document with openapi-python-client and
makes one call of every operation it generated, as an integrator's code would.

Usage: python client.py DOC.json OUT_DIR BASE_URL API_KEY VALUES.json

VALUES maps path parameter names to the values to call with, for every operation under "*"
and for one under its module name: {"*": {"number": "123"}, "get_brand": {"number": 1}}. Request
bodies are the document's own examples, read into the generated models. The client raises on
any status the document does not list. Prints JSON:
  {"served": [operationId...], "generated": [module...], "calls": {module: status},
   "errors": {module: message}}
"""

import importlib
import inspect
import json
import pathlib
import re
import subprocess
import sys


def snake(name):
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


def main():
    doc_path, out_dir, base, key, values_path = sys.argv[1:6]
    doc = json.loads(pathlib.Path(doc_path).read_text())
    values = json.loads(pathlib.Path(values_path).read_text())
    out = pathlib.Path(out_dir)
    # Media types the generator has no parser for are read as bytes or JSON, as an integrator
    # would configure it.
    config = out / "config.json"
    out.mkdir(parents=True, exist_ok=True)
    config.write_text(json.dumps({"content_type_overrides": {
        "application/vc": "application/json",
        "application/vc+ld+json": "application/json",
        "application/ld+json": "application/json",
        "application/pdf": "application/octet-stream",
        "image/png": "application/octet-stream",
        "image/svg+xml": "application/octet-stream",
        "text/csv": "application/octet-stream",
    }}))
    bin_dir = pathlib.Path(sys.executable).parent
    gen = subprocess.run(
        [str(bin_dir / "openapi-python-client"), "generate", "--path", doc_path,
         "--meta", "none", "--output-path", str(out / "tasdiq_client"), "--config", str(config),
         "--overwrite"],
        capture_output=True, text=True,
        env={"PATH": f"{bin_dir}:/usr/bin:/bin"},
    )
    if gen.returncode != 0:
        print(json.dumps({"error": gen.stdout + gen.stderr}))
        return
    sys.path.insert(0, str(out))
    client_mod = importlib.import_module("tasdiq_client")
    client = client_mod.AuthenticatedClient(
        base_url=base, token=key, raise_on_unexpected_status=True, timeout=60)

    served, examples = [], {}
    for item in doc["paths"].values():
        for op in item.values():
            served.append(op["operationId"])
            body = op.get("requestBody", {}).get("content", {}).get("application/json", {})
            if "example" in body:
                examples[snake(op["operationId"])] = body["example"]

    generated, calls, errors = [], {}, {}
    for path in sorted((out / "tasdiq_client" / "api").glob("*/*.py")):
        if path.name == "__init__.py":
            continue
        name = path.stem
        generated.append(name)
        module = importlib.import_module(f"tasdiq_client.api.{path.parent.name}.{name}")
        kwargs = {}
        try:
            for param in inspect.signature(module.sync_detailed).parameters.values():
                if param.name == "client":
                    kwargs["client"] = client
                elif param.name == "body":
                    model = param.annotation
                    if isinstance(model, str):
                        model = getattr(module, model.split("|")[0].strip())
                    kwargs["body"] = model.from_dict(examples[name])
                elif param.default is inspect.Parameter.empty:
                    kwargs[param.name] = {**values["*"], **values.get(name, {})}[param.name]
            res = module.sync_detailed(**kwargs)
            calls[name] = res.status_code.value if hasattr(res.status_code, "value") \
                else int(res.status_code)
        except Exception as e:  # noqa: BLE001 -- every failure is reported, none hidden
            errors[name] = f"{type(e).__name__}: {e}"
    print(json.dumps({"served": served, "generated": generated, "calls": calls,
                      "errors": errors}))


main()
