"""The zh/en texts metro writes into a DCC (names of fields, statements), in one place."""

from __future__ import annotations

from typing import Final

TEXT: Final[dict[str, tuple[str, str]]] = {
    "standard": ("计量标准", "measurement standard"),
    "instrument": ("工作计量器具", "working measuring instrument"),
    "not_recorded": ("未记录", "not recorded"),
    "asset_code": ("计量器具/计量标准编号", "asset code"),
    "owner_code": ("所有者代码", "owner code"),
    "standard_code": ("计量标准编号", "standard code"),
    "traceability_certificate": ("溯源证书编号", "traceability certificate number"),
    "certificate_kind": ("证书类别", "certificate kind"),
    "conclusion": ("结论", "conclusion"),
    "recalibration": ("有效期", "recalibration"),
    "valid_until": ("有效期至（复校日期）", "valid until (recalibration due)"),
    "revoked": ("本证书已撤销，作废", "this certificate has been revoked and is void"),
    "references": ("所用计量标准", "reference standards used"),
    "results": ("测量结果", "measurement results"),
    "no_points": ("证书未记录测量点", "no measurement points recorded"),
    "nominal": ("标称值", "nominal value"),
    "measured": ("测得值", "measured value"),
}
KIND_TEXT: Final[dict[str, tuple[str, str]]] = {
    "verification": ("检定证书", "verification certificate"),
    "calibration": ("校准证书", "calibration certificate"),
}
CONCLUSION_TEXT: Final[dict[str, tuple[str, str]]] = {
    "pass": ("合格", "conforms (pass)"),
    "fail": ("不合格", "does not conform (fail)"),
}
LEVEL_TEXT: Final[dict[str, tuple[str, str]]] = {
    "primary": ("计量基准", "primary standard"),
    "public_highest": ("社会公用计量标准（最高）", "social public standard (highest)"),
    "public_secondary": ("社会公用计量标准（次级）", "social public standard (secondary)"),
    "department_highest": ("部门最高计量标准", "department highest standard"),
    "enterprise_highest": ("企事业单位最高计量标准", "enterprise highest standard"),
    "working": ("工作计量标准", "working standard"),
}
