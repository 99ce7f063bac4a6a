"""Seed the everyday words citizens use for the classification's terms (editable afterwards)."""

from django.db import migrations

SYNONYMS = [
    ("噪音", "噪声"),
    ("吵闹", "噪声"),
    ("扰民", "噪声"),
    ("路灯不亮", "路灯"),
    ("路灯", "照明"),
    ("下水道堵", "下水道"),
    ("乱停车", "车乱停放"),
    ("违停", "车乱停放"),
    ("乱停乱放", "车乱停放"),
    ("油烟", "大气污染"),
    ("欠薪", "拖欠、克扣工资"),
    ("拖欠工资", "拖欠、克扣工资"),
    ("不发工资", "拖欠、克扣工资"),
    ("摆摊", "游商"),
    ("小摊贩", "游商"),
    ("烧烤", "露天烧烤"),
    ("违建", "房屋违建"),
    ("乱搭乱建", "房屋违建"),
    ("堵车", "交通拥堵"),
    ("电梯坏了", "电梯问题"),
    ("失业金", "失业保险"),
    ("养老金", "养老保险"),
    ("退休金", "养老保险"),
    ("医保", "医疗保险"),
    ("社保", "社会保险"),
    ("快递丢了", "快递问题"),
]


def seed(apps, schema_editor):
    synonym = apps.get_model("cases", "Synonym")
    for word, term in SYNONYMS:
        synonym.objects.get_or_create(word=word, defaults={"term": term})


def unseed(apps, schema_editor):
    synonym = apps.get_model("cases", "Synonym")
    synonym.objects.filter(word__in=[word for word, _term in SYNONYMS]).delete()


class Migration(migrations.Migration):
    dependencies = [("cases", "0007_synonym")]

    operations = [migrations.RunPython(seed, unseed)]
