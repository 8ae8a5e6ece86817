"""CLI command: ``siso serve`` — siso in a browser on the school network (``tui.web``)."""

from __future__ import annotations
from db import fields


def register(groups):
    p = groups["_root"].add_parser(
        "serve", help="mở siso trên trình duyệt (mạng nội bộ của trường)",
        description="Chạy siso như một trang web: mỗi thẻ trình duyệt là một phiên riêng, luôn "
                    "bắt đầu bằng màn hình đăng nhập (tên đăng nhập và mật khẩu). Chỉ chạy khi "
                    "đã có người dùng có mật khẩu. Mặc định chỉ nghe trên máy này (127.0.0.1).")
    p.add_argument("--host", default="127.0.0.1",
                   help="địa chỉ nghe (mặc định 127.0.0.1: chỉ máy này; 0.0.0.0: mọi máy trong "
                        "mạng, không mã hóa nếu không có reverse proxy HTTPS)")
    p.add_argument("--port", default="8000", help="cổng (mặc định 8000)")
    p.add_argument("--public-url", dest="public_url", metavar="ĐỊA_CHỈ_WEB",
                   help="địa chỉ trang dùng cho websocket và tệp tĩnh, ví dụ "
                        "https://siso.truong.edu.vn (thường không cần: trang tự lấy địa chỉ của "
                        "chính nó, kể cả sau reverse proxy HTTPS)")
    p.set_defaults(func=serve)


def serve(args) -> int:
    from db.connection import open_database, resolve_target, shown
    from db.errors import SisoError
    from tui.web import server

    try:
        port = int(str(args.port).strip())
    except ValueError:
        raise SisoError(f"Cổng (--port) «{args.port}» không hợp lệ: cần một số từ 1 đến 65535.",
                        fields.CONG) from None
    public_url = (args.public_url or "").strip() or None
    if public_url and not public_url.startswith(("http://", "https://")):
        raise SisoError(f"Địa chỉ (--public-url) «{public_url}» không hợp lệ: cần bắt đầu bằng "
                        f"https:// (hoặc http://), ví dụ https://siso.truong.edu.vn.", fields.DIA_CHI_WEB)
    target = resolve_target(getattr(args, "db", None))
    if "://" not in target:
        import os

        target = os.path.abspath(target)
    # not open_db: the server acts for nobody (each tab for whoever signs in there), so the
    # account running it (a service account, for one) need not be any siso user's
    open_database(target)
    return server.serve(target, args.host.strip(), port, public_url, getattr(args, "lang", None),
                        shown=shown(target))
