from django.http import HttpResponse
from django.utils.translation import gettext as _


def home(request):
    return HttpResponse(_("Lumbung"))
