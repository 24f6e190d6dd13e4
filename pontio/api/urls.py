from ninja import NinjaAPI

api = NinjaAPI(title="Pontio", version="1", urls_namespace="api")
