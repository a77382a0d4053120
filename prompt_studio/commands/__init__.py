"""Command-line tools besides the app and the server: Qt-free, each imported only when it runs."""
