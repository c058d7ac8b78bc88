"""The campaign: deadlines and reminders, broadcasts, questionnaire quotas, progress."""
