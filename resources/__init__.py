"""The app's icon and other assets, shipped as the package curator.resources (see pyproject)."""
