"""Speed and memory benchmark: this assistant against the stock ``rasa init`` assistant (issue 7).

Run it with ``make bench``; see the README section "Speed and memory".
"""
