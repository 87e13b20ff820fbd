"""Reads .env files with the three Python readers `hush export --format dotenv` targets and
prints, as JSON (one object per file, in order), what each of them makes of every variable:
python-dotenv's dotenv_values(), python-decouple's RepositoryEnv behind Config, django-environ's
Env.read_env() (the os.environ value it sets) and env.str() on it.
Usage: python dotenv_readers.py FILE..."""
import json
import os
import sys

from decouple import Config, RepositoryEnv
from dotenv import dotenv_values
import environ


def read(path):
    out = {}
    out["python-dotenv"] = dict(dotenv_values(path))

    # Config prefers os.environ: read before django-environ fills it
    repo = RepositoryEnv(path)
    config = Config(repo)
    out["python-decouple"] = {key: config(key) for key in repo.data}

    before = dict(os.environ)
    environ.Env.read_env(path, overwrite=True)
    added = {k: v for k, v in os.environ.items() if before.get(k) != v}
    out["django-environ"] = added
    env = environ.Env()
    # env.str() reads a value starting with "$" as the name of another variable (a "proxy"),
    # whatever the .env file says: such values are compared through os.environ only
    out["django-environ env.str"] = {k: env.str(k) for k, v in added.items() if not v.startswith("$")}
    for k in added:
        if k in before:
            os.environ[k] = before[k]
        else:
            del os.environ[k]
    return out


json.dump([read(path) for path in sys.argv[1:]], sys.stdout, ensure_ascii=True)
