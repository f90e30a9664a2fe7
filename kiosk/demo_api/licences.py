"""The demo API's licence routes (证照打印), added to the app by create_app in one call so that they stay
a block of their own: the search by ID number (a POST body), the list of a business, a licence's PDF,
and the record of a print (which counts printed copies, so a `once` licence is then refused)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import FastAPI, Header
from fastapi import Path as PathParam
from fastapi.responses import JSONResponse, Response

from kiosk.api import models as m
from kiosk.demo_api import licence_pdf
from kiosk.demo_api.seed_licences import DemoLicence
from kiosk.validators import is_valid_uscc

_NO_STORE = {"Cache-Control": "no-store"}


def _shown(d: DemoLicence, printed: int) -> dict[str, Any]:
    return d.licence.model_copy(update={"printed_count": printed}).model_dump(mode="json")


def add_licence_routes(app: FastAPI, state: Any, secured: list, idempotent: Callable[..., JSONResponse],
                       problem: Callable[[int, str, str | None], Exception]) -> None:
    licences: dict[str, DemoLicence] = state.licences

    def listed(found: list[DemoLicence]) -> JSONResponse:
        with state.lock:
            body = [_shown(d, state.licence_printed.get(d.licence.id, 0)) for d in found]
        return JSONResponse(body, headers=_NO_STORE)

    @app.post("/v1/licence-search", dependencies=secured)
    async def licence_search(body: m.LicenceSearch) -> Any:
        # LicenceSearch checked the shape, check character and birth date (422 otherwise). A business's
        # licences are its operator's too (个体工商户: the person is the business).
        return listed([d for d in licences.values() if d.id_number == body.id_number])

    @app.get("/v1/enterprises/{uscc}/licences", dependencies=secured)
    async def enterprise_licences(uscc: str = PathParam(pattern=m.USCC_PATTERN)) -> Any:
        if not is_valid_uscc(uscc):
            raise problem(422, "Invalid input", "uscc: wrong check character")
        if uscc not in state.enterprises:
            raise problem(404, "No such enterprise", None)
        return listed([d for d in licences.values() if d.uscc == uscc])

    @app.get("/v1/licences/{id}/pdf", dependencies=secured)
    async def licence_pdf_route(id: str = PathParam(pattern=m.KEY_PATTERN)) -> Any:
        d = licences.get(id)
        if d is None:
            raise problem(404, "No such licence", None)
        with state.lock:
            pdf = state.licence_pdfs.get(id)
        if pdf is None:
            lic = d.licence
            pdf = licence_pdf.render(lic.name, list(d.fields), lic.issuer,
                                     f"{lic.issued_on.year}年{lic.issued_on.month}月{lic.issued_on.day}日",
                                     lic.verify_url or "")
            with state.lock:
                state.licence_pdfs[id] = pdf
        return Response(pdf, media_type="application/pdf", headers=_NO_STORE)

    @app.post("/v1/licence-prints", dependencies=secured, status_code=201)
    async def licence_print(body: m.LicencePrintCreate, key: str = Header(alias="Idempotency-Key")) -> Any:
        if body.licence_id not in licences:
            raise problem(404, "No such licence", None)

        def create() -> tuple[int, Any, bool]:
            count = state.licence_printed.get(body.licence_id, 0) + (body.outcome == "printed")
            state.licence_printed[body.licence_id] = count
            n = len(state.records["licence_prints"]) + 1
            receipt = m.LicencePrintReceipt(id=f"LP{n:06d}", licence_id=body.licence_id, printed_count=count,
                                            received_at=state.clock())
            return 201, receipt.model_dump(mode="json"), True

        return idempotent("licence_prints", key, body.model_dump(mode="json"), create)
