from django.urls import path

from khcn.research import views, views_execution, views_host

app_name = "research"

urlpatterns = [
    path("", views.index, name="index"),
    path("dot/", views.call_list, name="call-list"),
    path("dot/them/", views.call_create, name="call-create"),
    path("de-xuat/", views.proposal_list, name="proposal-list"),
    path("de-xuat/gui/", views.proposal_create, name="proposal-create"),
    path("de-xuat/hoi-dong/", views.proposal_council, name="proposal-council"),
    path("de-xuat/<int:pk>/", views.proposal_detail, name="proposal-detail"),
    path("de-xuat/<int:pk>/chuyen/", views.proposal_transition, name="proposal-transition"),
    path("ke-hoach/", views.plan_list, name="plan-list"),
    path("ke-hoach/them/", views.plan_create, name="plan-create"),
    path("ke-hoach/<int:pk>/", views.plan_detail, name="plan-detail"),
    path("ke-hoach/<int:pk>/them-nhiem-vu/", views.plan_item_add, name="plan-item-add"),
    path("ke-hoach/<int:pk>/chuyen/", views.plan_transition, name="plan-transition"),
    path("ke-hoach/<int:pk>/phe-duyet/", views.plan_approve, name="plan-approve"),
    path("ke-hoach/<int:pk>/dieu-chinh/", views.plan_adjust, name="plan-adjust"),
    path("ke-hoach/<int:pk>/phu-luc.docx", views.plan_annex_docx, name="plan-annex-docx"),
    path("ke-hoach/<int:pk>/phu-luc.xlsx", views.plan_annex_xlsx, name="plan-annex-xlsx"),
    path("tong-hop/", views.dashboard, name="dashboard"),
    path("tong-hop/<int:year>/", views.dashboard, name="dashboard-year"),
    path("danh-muc/", views.task_list, name="task-list"),
    path("danh-muc/<int:pk>/", views.task_detail, name="task-detail"),
    path("danh-muc/<int:pk>/thong-bao/", views.task_open_call, name="task-open-call"),
    path("danh-muc/<int:pk>/hoi-dong/", views.task_send_council, name="task-send-council"),
    path("danh-muc/<int:pk>/ket-luan/", views.task_conclude, name="task-conclude"),
    path("danh-muc/<int:pk>/tham-dinh/", views.task_appraisal, name="task-appraisal"),
    path("danh-muc/<int:pk>/phe-duyet/", views.task_approve, name="task-approve"),
    path("danh-muc/<int:pk>/chuyen/", views.task_transition, name="task-transition"),
    path("danh-muc/<int:task_pk>/dang-ky/", views.application_create, name="application-create"),
    path("ho-so/", views.application_list, name="application-list"),
    path("ho-so/<int:pk>/", views.application_detail, name="application-detail"),
    path("ho-so/<int:pk>/chuyen/", views.application_transition, name="application-transition"),
]

# Part 2 (contract to results): staff pages and host organisations' pages keep their own routes.
urlpatterns += views_execution.urlpatterns + views_host.urlpatterns
