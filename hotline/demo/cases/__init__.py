"""Demo cases: a few hundred real citizen messages taken through the real lifecycle services.

The content is real (hotline/demo/data/messages, real messages with the official replies; places
anonymised as "A市", "A2区" … mapped onto Changsha's districts) and so are the departments'
replies. Every status is reached only through `cases.services`: each transition is called with
an explicit `at=` instant laid out on the working-day clock over the past months, so the
timelines, the deadlines and the late flags are the ones the product would have produced.
Nothing writes a status by hand. Besides them, consultations answered on the call from the
demo knowledge base cite the article they were answered from (knowledge.py).

Built once: when the demo agents have registered cases already, nothing is added again.
"""

from hotline.demo.cases.build import CASE_COUNT, build_demo_cases, demo_cases_exist
from hotline.demo.cases.knowledge import load_knowledge

__all__ = ["CASE_COUNT", "build_demo_cases", "demo_cases_exist", "load_knowledge"]
