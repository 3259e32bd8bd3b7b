"""Demo articles: the 15 news items and reports on innovation of 2023 (facts.md) as individual
published articles, a few later articles for the public page, and two drafts that must never show.

Titles and texts are written for the demo (no real officials named). Articles are linked to the
records they are about through the generic link table, looked up by app label so that this app
imports no other registry.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from django.apps import apps

from khcn.accounts.models import User
from khcn.core import demo
from khcn.registries.news import services
from khcn.registries.news.models import Article

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
T = Article.Topic
K = Article.Kind

# (published at, title, summary, topic, kind, links: [(app, model, lookup)])
INNOVATION_2023 = [
    (
        dt.datetime(2023, 3, 10, 9, 0),
        "Hưng Yên triển khai Kế hoạch hỗ trợ hệ sinh thái khởi nghiệp đổi mới sáng tạo năm 2023",
        "Kế hoạch tập trung vào đào tạo, kết nối và hỗ trợ các dự án khởi nghiệp có tiềm năng tăng trưởng.",
        K.NEWS,
        [("legaldocs", "legaldocument", {"number": "41/KH-UBND"})],
    ),
    (
        dt.datetime(2023, 3, 24, 15, 30),
        "Tập huấn kiến thức sở hữu trí tuệ cho doanh nghiệp, hợp tác xã",
        "Hơn một trăm học viên được hướng dẫn đăng ký nhãn hiệu, kiểu dáng công nghiệp và khai thác chỉ dẫn địa lý.",
        K.NEWS,
        [],
    ),
    (
        dt.datetime(2023, 4, 18, 8, 45),
        "Tập huấn khởi nghiệp cho đoàn viên thanh niên",
        "Tỉnh đoàn phối hợp với Sở Khoa học và Công nghệ tổ chức lớp tập huấn về ý tưởng và kế hoạch khởi nghiệp.",
        K.NEWS,
        [],
    ),
    (
        dt.datetime(2023, 5, 9, 10, 0),
        "Hỗ trợ doanh nghiệp khởi nghiệp hoàn thiện sản phẩm từ nhãn lồng",
        "Doanh nghiệp được hỗ trợ hoàn thiện quy trình chế biến, bao bì và truy xuất nguồn gốc.",
        K.NEWS,
        [],
    ),
    (
        dt.datetime(2023, 5, 30, 14, 0),
        "Kết nối cung – cầu công nghệ cho doanh nghiệp nhỏ và vừa",
        "Các doanh nghiệp giới thiệu nhu cầu đổi mới công nghệ và gặp gỡ đơn vị cung ứng.",
        K.NEWS,
        [],
    ),
    (
        dt.datetime(2023, 6, 20, 9, 15),
        "Thanh niên nông thôn khởi nghiệp với mô hình nấm ăn, nấm dược liệu",
        "Những mô hình nhỏ, vốn ít, ứng dụng tiến bộ kỹ thuật đang cho thu nhập ổn định.",
        K.REPORT,
        [],
    ),
    (
        dt.datetime(2023, 7, 12, 16, 0),
        "Hợp tác xã đưa nông sản đặc sản lên sàn thương mại điện tử",
        "Tập huấn kỹ năng bán hàng trực tuyến cho các hợp tác xã và hộ sản xuất.",
        K.NEWS,
        [],
    ),
    (
        dt.datetime(2023, 8, 4, 8, 30),
        "Tọa đàm vai trò của trường đại học trong hệ sinh thái khởi nghiệp của tỉnh",
        "Các trường đại học trên địa bàn chia sẻ kinh nghiệm ươm tạo ý tưởng của sinh viên.",
        K.NEWS,
        [],
    ),
    (
        dt.datetime(2023, 8, 25, 10, 30),
        "Hỗ trợ xác lập quyền sở hữu trí tuệ cho sản phẩm khởi nghiệp",
        "Sản phẩm của các doanh nghiệp khởi nghiệp được hướng dẫn nộp đơn đăng ký nhãn hiệu.",
        K.NEWS,
        [],
    ),
    (
        dt.datetime(2023, 9, 15, 9, 0),
        "Doanh nghiệp Hưng Yên tham gia Techfest vùng Đồng bằng sông Hồng tại Nam Định",
        "Ba doanh nghiệp của tỉnh trưng bày sản phẩm và tham gia các phiên kết nối cung – cầu công nghệ.",
        K.NEWS,
        [("innovation", "event", {"name__startswith": "Techfest vùng Đồng bằng sông Hồng"})],
    ),
    (
        dt.datetime(2023, 10, 10, 15, 0),
        "Tập huấn quản trị đổi mới sáng tạo cho cán bộ quản lý",
        "Cán bộ các sở, ngành và địa phương được giới thiệu phương pháp đo lường, thúc đẩy đổi mới sáng tạo.",
        K.NEWS,
        [],
    ),
    (
        dt.datetime(2023, 10, 28, 9, 30),
        "Ngày hội khởi nghiệp đổi mới sáng tạo học sinh, sinh viên tỉnh Hưng Yên năm 2023",
        "Ngày hội do Sở Khoa học và Công nghệ phối hợp với Tỉnh đoàn tổ chức, với nhiều dự án của học sinh, sinh viên.",
        K.NEWS,
        [("innovation", "event", {"name__startswith": "Ngày hội khởi nghiệp đổi mới sáng tạo"})],
    ),
    (
        dt.datetime(2023, 11, 14, 8, 0),
        "Những người trẻ khởi nghiệp từ đặc sản quê hương",
        "Phóng sự về các dự án khởi nghiệp gắn với nhãn lồng, gà Đông Tảo và cây dược liệu.",
        K.REPORT,
        [],
    ),
    (
        dt.datetime(2023, 12, 5, 14, 30),
        "Học sinh Hưng Yên với những ý tưởng đổi mới sáng tạo",
        "Các dự án khoa học kỹ thuật của học sinh được giới thiệu và kết nối với doanh nghiệp.",
        K.REPORT,
        [],
    ),
    (
        dt.datetime(2023, 12, 27, 10, 0),
        "Nhìn lại hoạt động khởi nghiệp đổi mới sáng tạo năm 2023",
        "Ba doanh nghiệp khởi nghiệp được hỗ trợ, khoảng 1.500 lượt người được tập huấn trong năm.",
        K.REPORT,
        [],
    ),
]

OTHERS = [
    (
        dt.datetime(2024, 1, 19, 17, 0),
        "Hội nghị tổng kết công tác khoa học và công nghệ năm 2023, triển khai kế hoạch năm 2024",
        "Năm 2023 có 50 nhiệm vụ khoa học và công nghệ được triển khai; năm 2024 có 42 nhiệm vụ với tổng kinh phí 27,273 tỷ đồng.",
        T.DEPARTMENT,
        K.NEWS,
        [("legaldocs", "legaldocument", {"number": "105/QĐ-UBND"})],
    ),
    (
        dt.datetime(2025, 9, 25, 8, 0),
        "Luật Khoa học, công nghệ và đổi mới sáng tạo có hiệu lực từ ngày 01/10/2025",
        "Những điểm mới của Luật về nhiệm vụ khoa học và công nghệ, quỹ phát triển và cơ chế thử nghiệm.",
        T.LEGAL,
        K.NEWS,
        [("legaldocs", "legaldocument", {"number": "93/2025/QH15"})],
    ),
    (
        dt.datetime(2025, 9, 5, 9, 0),
        "Phê duyệt Chương trình phát triển khoa học, công nghệ, đổi mới sáng tạo và chuyển đổi số giai đoạn 2025–2030",
        "Chương trình xác định các nhiệm vụ trọng tâm của tỉnh Hưng Yên sau hợp nhất.",
        T.DIGITAL,
        K.NEWS,
        [("legaldocs", "legaldocument", {"number": "719/QĐ-UBND"})],
    ),
]

DRAFTS = [
    ("Bản nháp: Kết quả kiểm tra đo lường, chất lượng xăng dầu quý I", "Chờ lãnh đạo Sở duyệt.", T.STANDARDS),
    ("Bản nháp: Giới thiệu mô hình hợp tác xã ứng dụng chuyển đổi số", "", T.DIGITAL),
]

BODY = (
    "{summary}\n\n"
    "Theo Sở Khoa học và Công nghệ tỉnh Hưng Yên, hoạt động này nằm trong kế hoạch năm nhằm đưa tiến bộ khoa học "
    "và công nghệ đến gần hơn với doanh nghiệp, hợp tác xã và người dân.\n\n"
    "Thông tin chi tiết được cập nhật trên trang tin của Sở."
)


def _link_targets(specs: list[tuple[str, str, dict]]) -> list:
    found = []
    for app_label, model_name, lookup in specs:
        try:
            model = apps.get_model(app_label, model_name)
        except LookupError:
            continue
        record = model._default_manager.filter(**lookup).order_by("pk").first()
        if record is not None:
            found.append(record)
    return found


def _publish(by: User, at: dt.datetime, title: str, summary: str, topic: str, kind: str, links: list) -> bool:
    if Article.objects.filter(title=title).exists():
        return False
    article = services.article_save(
        article=Article(
            title=title,
            summary=summary,
            body=BODY.format(summary=summary),
            topic=topic,
            kind=kind,
            byline="Văn phòng Sở",
        ),
        by=by,
    )
    for record in _link_targets(links):
        services.article_link_add(article=article, record=record, by=by)
    services.article_publish(article=article, by=by, at=at.replace(tzinfo=TZ))
    return True


@demo.register
def load() -> str:
    by = User.objects.filter(is_superuser=True).order_by("pk").first()
    if by is None:
        return "bỏ qua: chưa có tài khoản quản trị"
    created = 0
    for at, title, summary, kind, links in INNOVATION_2023:
        created += _publish(by, at, title, summary, T.INNOVATION, kind, links)
    for at, title, summary, topic, kind, links in OTHERS:
        created += _publish(by, at, title, summary, topic, kind, links)
    for title, summary, topic in DRAFTS:
        if not Article.objects.filter(title=title).exists():
            services.article_save(article=Article(title=title, summary=summary, topic=topic), by=by)
            created += 1
    published = Article.objects.filter(status=Article.Status.PUBLISHED).count()
    return f"{created} tin bài mới; {published} tin bài đã đăng"
