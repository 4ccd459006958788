"""The notifier: Jobtrail's process managers, apart from the API so they scale on their own.

- `notices`: exports, AI results, strong matches and due follow-ups become
  `NotificationCreated`, once per cause (consumer `notifier-notify`).
- `follow_ups`: keeps a small table of open applications and their follow-up dates
  (consumer `notifier-follow-ups`, from the applications' own events), and sweeps it on
  a schedule, appending `ApplicationFollowUpDue` once per (application, date).

It owns the `notifier` schema and nothing else; it reads no other service's tables.
"""
