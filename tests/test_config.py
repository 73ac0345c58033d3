"""The production server refuses what would split a province's workers: a secret of one machine, SQLite."""

import pytest
from flask import Flask

from console import config


@pytest.fixture
def bare(tmp_path, monkeypatch):
    """An app with nothing but its configuration, as gunicorn's workers start it."""
    for key in ("SECRET_KEY", "DATABASE_URL"):
        monkeypatch.delenv(key, raising=False)
    monkeypatch.setenv("PRODUCTION", "1")
    return Flask(__name__, instance_path=str(tmp_path))


def test_production_refuses_a_missing_or_short_secret(bare):
    with pytest.raises(RuntimeError, match="生产模式需要设置 SECRET_KEY"):
        config.init_app(bare, {"DATABASE_URL": "postgresql://db/registry"})
    with pytest.raises(RuntimeError, match="生产模式需要设置 SECRET_KEY"):
        config.init_app(bare, {"DATABASE_URL": "postgresql://db/registry", "SECRET_KEY": "dev"})


def test_production_refuses_sqlite(bare):
    with pytest.raises(RuntimeError, match="生产模式需要 PostgreSQL"):
        config.init_app(bare, {"SECRET_KEY": "k" * 64})


def test_production_starts_with_a_real_secret_and_postgresql(bare):
    config.init_app(bare, {"SECRET_KEY": "k" * 64, "DATABASE_URL": "postgresql://db/registry"})
    assert bare.config["PRODUCTION"] and bare.config["SECRET_KEY"] == "k" * 64


def test_development_generates_its_secret(bare, monkeypatch):
    monkeypatch.delenv("PRODUCTION")
    config.init_app(bare)
    assert len(bare.config["SECRET_KEY"]) == 64 and not bare.config["PRODUCTION"]
