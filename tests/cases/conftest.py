"""Fixtures of the case tests: the lifecycle tests' world, the workbench pages'
register/dispatched/client_for."""

import pytest

from cases import services
from tests.cases.lifecycle_world import World, build_world
from tests.cases.workbench import PHONE


@pytest.fixture
def world(users, departments) -> World:
    """Who acts in the lifecycle tests: agent, supervisor, two handlers, a district handler."""
    return build_world(users, departments)


@pytest.fixture
def register(users):
    """Register a case as the demo agent (through the service, as the intake page does)."""

    def _register(**fields):
        values = {
            "channel": "phone",
            "request_type": "complaint",
            "content": "Street vendors block the pavement every evening.",
            "citizen_name": "Wang Fang",
            "citizen_phone": PHONE,
        }
        values.update(fields)
        return services.register_case(actor=users["agent"], **values)

    return _register


@pytest.fixture
def dispatched(register, users, departments):
    """A complaint dispatched to the city management bureau (the demo handler's department)."""
    case = register()
    services.dispatch_case(case, actor=users["agent"], department=departments["cgj"])
    case.refresh_from_db()
    return case


@pytest.fixture
def client_for(client, users):
    def _client(username):
        client.force_login(users[username])
        return client

    return _client
