"""The database helpers the hot paths use: a prepared query answers as peewee would, and refuses a query
whose parameters it could not bind again."""

import pytest

from console.infra.database import Prepared, plain_rows
from models import Account, Authority
from tests.helpers import make_account


def test_a_prepared_query_answers_as_peewee_would_for_each_parameter(app, ctx):
    make_account(app, "reviewer")
    make_account(app, "province_admin", "admin")

    def by_username(name):
        return Account.select(Account, Authority).join(Authority).where(Account.username == name)

    prepared = Prepared(by_username)
    for name in ("reviewer", "admin"):  # the second is answered by the SQL written for the first
        expected = by_username(name).first()
        got = prepared.first(name)
        assert (got.id, got.role, got.authority.name) == (expected.id, expected.role, expected.authority.name)
    assert prepared.first("nobody") is None


def test_a_prepared_query_refuses_parameters_it_could_not_bind_again(ctx):
    prepared = Prepared(lambda name: Account.select().where(Account.username == name.upper()))
    with pytest.raises(TypeError):
        prepared.first("reviewer")


def test_plain_rows_are_the_stored_values(ctx):
    query = Authority.select(Authority.id, Authority.name).order_by(Authority.code)
    assert plain_rows(query) == list(query.tuples())
