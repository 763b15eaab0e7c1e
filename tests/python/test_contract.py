"""The judicial.v1 contract as a Python grpcio client sees it.

Run by run.sh (which generates the stubs from proto/ and puts them on
PYTHONPATH) against a registry seeded with the built-in jurisdictions only:
``JUDICIAL_REGISTRY_ADDR`` is its host:port. Every call has a deadline, so a
broken server fails the test instead of hanging it.
"""

import collections
import os
import re

import grpc
import pytest
from google.rpc import error_details_pb2, status_pb2
from grpc_health.v1 import health_pb2, health_pb2_grpc
from grpc_reflection.v1alpha import reflection_pb2, reflection_pb2_grpc
from grpc_reflection.v1alpha.proto_reflection_descriptor_database import (
    ProtoReflectionDescriptorDatabase,
)

from judicial.v1 import common_pb2, registry_pb2, registry_pb2_grpc

# Seconds allowed for a unary call, and for a whole Watch.
CALL_TIMEOUT = 10
WATCH_TIMEOUT = 30

REGISTRY_SERVICE = "judicial.v1.RegistryService"
FIRST_ID = "py-cn-fr-civil-1987"
SECOND_ID = "py-cn-it-civil-1991"


def date(year, month, day):
    return common_pb2.Date(year=year, month=month, day=day)


def bilateral(id_, counterpart, signed, entry_into_force, title):
    """A civil and commercial bilateral treaty between CN and `counterpart`."""
    return registry_pb2.Instrument(
        id=id_,
        kind=common_pb2.INSTRUMENT_KIND_BILATERAL_TREATY,
        treaty_type=common_pb2.TREATY_TYPE_CIVIL_COMMERCIAL,
        title=title,
        parties=[
            registry_pb2.Party(jurisdiction=code, signed=signed, entry_into_force=entry_into_force)
            for code in ("CN", counterpart)
        ],
        coverage=[
            registry_pb2.Coverage(
                matter=common_pb2.MATTER_CIVIL_COMMERCIAL,
                assistance=common_pb2.ASSISTANCE_SERVICE_OF_DOCUMENTS,
            )
        ],
        sources=["https://example.org/treaties/" + id_],
    )


def first_instrument():
    return bilateral(
        FIRST_ID,
        "FR",
        date(1987, 5, 4),
        date(1988, 2, 8),
        "Agreement between China and France on judicial assistance in civil and commercial matters",
    )


@pytest.fixture(scope="module")
def channel():
    addr = os.environ.get("JUDICIAL_REGISTRY_ADDR")
    if not addr:
        pytest.fail("JUDICIAL_REGISTRY_ADDR is not set (host:port of the registry)")
    with grpc.insecure_channel(addr) as ch:
        try:
            grpc.channel_ready_future(ch).result(timeout=CALL_TIMEOUT)
        except grpc.FutureTimeoutError:
            pytest.fail(f"no registry answers at {addr} within {CALL_TIMEOUT}s")
        yield ch


@pytest.fixture(scope="module")
def registry(channel):
    return registry_pb2_grpc.RegistryServiceStub(channel)


@pytest.fixture(scope="module")
def created(registry):
    """The first instrument, created once for the module, as the server returned it."""
    return registry.CreateInstrument(
        registry_pb2.CreateInstrumentRequest(instrument=first_instrument(), reason="python contract test"),
        timeout=CALL_TIMEOUT,
    )


def test_create_returns_the_stored_instrument(created):
    assert created.name == f"instruments/{FIRST_ID}"
    assert created.id == FIRST_ID
    assert created.revision > 0
    assert created.etag != ""
    assert created.HasField("update_time")
    assert created.update_time.seconds > 0


def test_get_by_name(registry, created):
    got = registry.GetInstrument(
        registry_pb2.GetInstrumentRequest(name=f"instruments/{FIRST_ID}"), timeout=CALL_TIMEOUT
    )
    assert got.name == f"instruments/{FIRST_ID}"
    assert got.id == FIRST_ID
    assert got.kind == common_pb2.INSTRUMENT_KIND_BILATERAL_TREATY
    assert got.treaty_type == common_pb2.TREATY_TYPE_CIVIL_COMMERCIAL
    assert got.title == first_instrument().title
    assert [p.jurisdiction for p in got.parties] == ["CN", "FR"]
    for party in got.parties:
        assert (party.signed.year, party.signed.month, party.signed.day) == (1987, 5, 4)
        assert (party.entry_into_force.year, party.entry_into_force.month, party.entry_into_force.day) == (1988, 2, 8)
        assert not party.HasField("ratified"), "an unknown date stays unset"
        assert not party.HasField("termination_effective")
    assert [(c.matter, c.assistance) for c in got.coverage] == [
        (common_pb2.MATTER_CIVIL_COMMERCIAL, common_pb2.ASSISTANCE_SERVICE_OF_DOCUMENTS)
    ]
    assert list(got.sources) == [f"https://example.org/treaties/{FIRST_ID}"]
    assert got.revision == created.revision
    assert got.etag == created.etag
    assert got.update_time == created.update_time


def test_get_unknown_is_not_found(registry):
    with pytest.raises(grpc.RpcError) as err:
        registry.GetInstrument(
            registry_pb2.GetInstrumentRequest(name="instruments/py-no-such-instrument"), timeout=CALL_TIMEOUT
        )
    assert err.value.code() == grpc.StatusCode.NOT_FOUND


def test_list_with_party_filter(registry, created):
    resp = registry.ListInstruments(
        registry_pb2.ListInstrumentsRequest(filter="party=FR", page_size=100), timeout=CALL_TIMEOUT
    )
    ids = [i.id for i in resp.instruments]
    assert FIRST_ID in ids
    for inst in resp.instruments:
        assert "FR" in [p.jurisdiction for p in inst.parties], f"{inst.id} has no FR party"
    assert resp.next_page_token == ""

    other = registry.ListInstruments(
        registry_pb2.ListInstrumentsRequest(filter="party=DE"), timeout=CALL_TIMEOUT
    )
    assert FIRST_ID not in [i.id for i in other.instruments]


def status_details(err):
    """Decodes the google.rpc.Status from a failed call's trailing metadata."""
    raw = [v for k, v in (err.trailing_metadata() or ()) if k == "grpc-status-details-bin"]
    assert raw, "the error carries no grpc-status-details-bin trailer"
    status = status_pb2.Status.FromString(raw[0])
    assert status.code == err.code().value[0]
    return status


def test_invalid_create_reports_every_field(registry):
    bad = first_instrument()
    bad.id = "Bad Id!"
    bad.parties[1].jurisdiction = "XX"
    with pytest.raises(grpc.RpcError) as err:
        registry.CreateInstrument(registry_pb2.CreateInstrumentRequest(instrument=bad), timeout=CALL_TIMEOUT)
    assert err.value.code() == grpc.StatusCode.INVALID_ARGUMENT

    status = status_details(err.value)
    bad_requests, infos = [], []
    for detail in status.details:
        if detail.Is(error_details_pb2.BadRequest.DESCRIPTOR):
            msg = error_details_pb2.BadRequest()
            detail.Unpack(msg)
            bad_requests.append(msg)
        elif detail.Is(error_details_pb2.ErrorInfo.DESCRIPTOR):
            msg = error_details_pb2.ErrorInfo()
            detail.Unpack(msg)
            infos.append(msg)
    assert len(bad_requests) == 1, f"expected one BadRequest in {status.details}"
    fields = {v.field: v.description for v in bad_requests[0].field_violations}
    assert "instrument.id" in fields, fields
    assert "instrument.parties[1].jurisdiction" in fields, fields
    assert all(fields.values()), "every violation has a description"
    for info in infos:
        assert re.fullmatch(r"[A-Z][A-Z0-9_]*", info.reason), info.reason
        assert info.domain == "judicial.v1"


def test_watch_snapshot_synced_then_change(registry, created):
    call = registry.Watch(registry_pb2.WatchRequest(start_revision=0), timeout=WATCH_TIMEOUT)
    try:
        events = iter(call)
        snapshot_ids, snapshot_codes, batches = set(), set(), 0
        for event in events:
            kind = event.WhichOneof("event")
            if kind == "snapshot":
                batches += 1
                snapshot_ids.update(i.id for i in event.snapshot.instruments)
                snapshot_codes.update(j.code for j in event.snapshot.jurisdictions)
            elif kind == "synced":
                assert event.revision >= created.revision
                break
            elif kind == "progress":
                continue
            else:
                pytest.fail(f"unexpected {kind} event before synced: {event}")
        else:
            pytest.fail("the watch ended before its synced event")
        assert batches >= 1
        assert {"CN", "FR"} <= snapshot_codes
        assert FIRST_ID in snapshot_ids

        second = registry.CreateInstrument(
            registry_pb2.CreateInstrumentRequest(
                instrument=bilateral(
                    SECOND_ID,
                    "IT",
                    date(1991, 5, 20),
                    date(1995, 1, 1),
                    "Treaty between China and Italy on judicial assistance in civil matters",
                ),
                reason="python contract test",
            ),
            timeout=CALL_TIMEOUT,
        )
        for event in events:
            kind = event.WhichOneof("event")
            if kind == "progress":
                continue
            assert kind == "change", f"unexpected {kind} event after synced: {event}"
            if event.change.WhichOneof("resource") == "instrument" and event.change.instrument.id == SECOND_ID:
                assert event.change.type == registry_pb2.CHANGE_TYPE_PUT
                assert event.revision == second.revision
                assert event.change.instrument.name == f"instruments/{SECOND_ID}"
                assert event.change.instrument.etag == second.etag
                break
        else:
            pytest.fail("the watch ended before the change event")
    except grpc.RpcError as err:
        pytest.fail(f"watch failed: {err.code()} {err.details()}")
    finally:
        call.cancel()


@pytest.mark.parametrize("service", ["", REGISTRY_SERVICE])
def test_health_serving(channel, service):
    health = health_pb2_grpc.HealthStub(channel)
    resp = health.Check(health_pb2.HealthCheckRequest(service=service), timeout=CALL_TIMEOUT)
    assert resp.status == health_pb2.HealthCheckResponse.SERVING


def test_reflection_v1alpha_lists_the_registry(channel):
    stub = reflection_pb2_grpc.ServerReflectionStub(channel)
    responses = list(
        stub.ServerReflectionInfo(
            iter([reflection_pb2.ServerReflectionRequest(list_services="")]), timeout=CALL_TIMEOUT
        )
    )
    assert len(responses) == 1
    names = [s.name for s in responses[0].list_services_response.service]
    assert REGISTRY_SERVICE in names, names
    assert "grpc.health.v1.Health" in names, names


class _CallDetails(
    collections.namedtuple(
        "_CallDetails", ("method", "timeout", "metadata", "credentials", "wait_for_ready", "compression")
    ),
    grpc.ClientCallDetails,
):
    pass


class _DefaultDeadline(grpc.StreamStreamClientInterceptor):
    """Gives a deadline to stream calls made without one (grpcio-reflection's client sets none)."""

    def intercept_stream_stream(self, continuation, details, request_iterator):
        if details.timeout is None:
            details = _CallDetails(
                details.method,
                CALL_TIMEOUT,
                details.metadata,
                details.credentials,
                details.wait_for_ready,
                details.compression,
            )
        return continuation(details, request_iterator)


def test_reflection_descriptors_resolve(channel):
    """grpcio-reflection's own client can build the service from the served descriptors."""
    from google.protobuf.descriptor_pool import DescriptorPool

    db = ProtoReflectionDescriptorDatabase(grpc.intercept_channel(channel, _DefaultDeadline()))
    assert REGISTRY_SERVICE in db.get_services()
    pool = DescriptorPool(db)
    service = pool.FindServiceByName(REGISTRY_SERVICE)
    methods = {m.name for m in service.methods}
    assert {"CreateInstrument", "GetInstrument", "ListInstruments", "Watch"} <= methods
    assert service.methods_by_name["Watch"].server_streaming
    party = pool.FindMessageTypeByName("judicial.v1.Party")
    assert party.fields_by_name["entry_into_force"].message_type.full_name == "judicial.v1.Date"
