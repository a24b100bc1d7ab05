"""Web routes, one small module per role or area; ROUTERS lists them for the app factory."""

from review_ui.routes import (
           admin,
           auth,
           case_lifecycle,
           cases,
           corrections,
           dashboard,
           enforcement,
           hits,
           mark_images,
           mark_review,
           marks,
           queue,
           search,
)

ROUTERS = [auth.router, queue.router, hits.router, corrections.router, marks.router, mark_review.router, mark_images.router,
           search.router, cases.router, enforcement.router, case_lifecycle.router, dashboard.router, admin.router]
