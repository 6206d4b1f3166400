"""File › Open Catalog on a Server…: the address of a catalog on a PostgreSQL server, and a
password if its server asks for one. The password is never shown nor remembered (Open Recent
keeps the address without it; ~/.pgpass spares typing it each time)."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from curator.domain.errors import CuratorError
from curator.services import catalogs

PLACEHOLDER = "postgresql://user@host:5432/database"


class ServerDialog(QDialog):
    """Asks for the address; `address` is what to open once accepted (with the password)."""

    def __init__(self, parent: QWidget | None = None, address: str = "", problem: str = ""):
        super().__init__(parent)
        self.setWindowTitle("Open Catalog on a Server")
        self.address = ""
        self.address_edit = QLineEdit(address)
        self.address_edit.setPlaceholderText(PLACEHOLDER)
        self.address_edit.setMinimumWidth(420)
        self.password_edit = QLineEdit()
        self.password_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.password_edit.setPlaceholderText("if the server asks for one")
        intro = QLabel(
            "A catalog the team shares, in a database on a PostgreSQL server: ask its "
            "administrator for the address. The password is not remembered."
        )
        intro.setWordWrap(True)
        self.problem = QLabel(problem)
        self.problem.setWordWrap(True)
        self.problem.setStyleSheet("color: #b00020")
        self.problem.setVisible(bool(problem))
        form = QFormLayout()
        form.addRow("&Address:", self.address_edit)
        form.addRow("&Password:", self.password_edit)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Open | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.problem)
        layout.addWidget(buttons)
        (self.password_edit if address and problem else self.address_edit).setFocus()

    def accept(self) -> None:
        """Open only an address curator can use; otherwise say why and stay."""
        try:
            self.address = catalogs.server_address(
                self.address_edit.text(), self.password_edit.text()
            )
        except CuratorError as exc:
            self.problem.setText(str(exc))
            self.problem.setVisible(True)
            return
        super().accept()
