import time


async def greet(caller):
    time.sleep(0.5)
    return f"hello {caller}"
