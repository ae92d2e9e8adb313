from django.urls import path

# Import and export pages; filled in by the import/export work.
urlpatterns: list = [
]
