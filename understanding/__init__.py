"""Language logic shared by the NLU components and the actions: no Rasa imports.

``questions`` finds the separate questions in one message, ``emotion`` recognises
anger, fear, grief and the messages that need urgent help, ``followup`` recognises
short messages that lean on the previous turn.
"""
