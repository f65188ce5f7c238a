"""What the demo history is drawn from: shares of kinds, channels and
categories, subjects and names (sla/demo_history.py)."""

from __future__ import annotations

from complaints.models import Channel, Kind

KINDS = ((Kind.COMPLAINT, 70), (Kind.REQUEST, 20), (Kind.FEEDBACK, 10))
CHANNELS = (
    (Channel.WEB, 35),
    (Channel.EMAIL, 25),
    (Channel.PHONE, 18),
    (Channel.SMS, 5),
    (Channel.WHATSAPP, 4),
    (Channel.IN_PERSON, 5),
    (Channel.API, 12),
)
CATEGORY_WEIGHTS = {
    "unlawful-practice": 2,
    "operations-stopped": 9,
    "reputation-damage": 2,
    "operations-disrupted": 20,
    "financial": 22,
    "contract-breach": 8,
    "communication": 14,
    "staff-behaviour": 6,
    "customer-regulation-breach": 3,
    "outside-scope": 6,
    "request-against-contract": 4,
    "company-not-at-fault": 4,
}
SUBJECTS = (
    "İnternet bağlantım sık sık kopuyor",
    "Faturamda fazla ücret var",
    "Modem arızası giderilmedi",
    "Taahhüt dışı ücret yansıtıldı",
    "Çağrı merkezine ulaşamıyorum",
    "Hız paketimden düşük hız alıyorum",
    "Nakil talebim sonuçlanmadı",
    "Teknisyen randevuya gelmedi",
    "İptal talebim işleme alınmadı",
    "Personelin tutumundan memnun değilim",
    "Sunucuma erişilemiyor",
    "E-posta hizmetinde kesinti",
)
FIRST_NAMES = ("Ayşe", "Mehmet", "Zeynep", "Ali", "Elif", "Mustafa", "Fatma", "Emre", "Deniz")
LAST_NAMES = ("Yılmaz", "Kaya", "Demir", "Çelik", "Şahin", "Yıldız", "Aydın", "Öztürk", "Arslan")
REJECTION = "Önerilen çözüm sorunumu gidermedi; fatura hâlâ hatalı."
