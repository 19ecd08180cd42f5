#!/usr/bin/env python3
"""Seeds the demo tenant of tools/run-demo.sh through dunbarctl, idempotently.

What it makes (once; a re-run finds everything and adds nothing):
- 200 contacts with Chinese and Latin names, generated deterministically (a fixed random seed) into
  RUN_DIR/demo-contacts.csv and imported (rows merge by handle, so a re-import changes nothing);
- their interactions (likes, comments, replies, attendance, purchases, referrals, and for some an
  earlier outreach contact), recorded only for contacts that have none yet, each with a request id;
- the programme 私房课 (batches of 50 named "私房课 第{n}期", AUTO_OPEN_NEXT, free entry), found
  by name or created with a request id;
- 46 enrolments in its first batch (only while fewer than 46 seats are taken in all);
- an outreach policy: all 7 weekdays active, quota 5, targeting 私房课, invitation campaigns for
  new batches; and one operator campaign for the last seats of batch 1 (found by name or created).

Python (Debian's python3, standard library only) because the seed needs JSON answers and a few
parallel calls: dunbarctl answers in ~20 ms, so 4 workers keep the ~500 calls at a few seconds.

Usage: seed.py --dunbarctl BIN --run-dir DIR (with DUNBAR_ADDR, DUNBAR_COHORT_ADDR,
DUNBAR_OUTREACH_ADDR and DUNBAR_TOKEN in the environment). Prints what it did; the programme id
goes to RUN_DIR/demo-program.id.
"""

import argparse
import concurrent.futures
import csv
import datetime
import json
import os
import random
import subprocess
import sys

CONTACTS = 200
SEEDED_SEATS = 46
PROGRAM_NAME = "私房课"
CAMPAIGN_NAME = "私房课 第1期 最后几席"
SEED = 20241105  # fixed: the same 200 contacts on every machine and every run

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高"
GIVEN = ["伟", "芳", "娜", "敏", "静", "磊", "洋", "艳", "勇", "杰", "娟", "涛", "明", "超", "秀英",
         "小源", "晓东", "雨桐", "子轩", "思琪", "浩然", "欣怡", "嘉怡", "宇航", "梓涵"]
FIRST = ["Emma", "Liam", "Olivia", "Noah", "Ava", "Lucas", "Mia", "Ethan", "Sofia", "Leo",
         "Chloe", "Daniel", "Grace", "Samuel", "Hannah", "Oscar", "Isla", "Felix", "Ruby", "Max"]
LAST = ["Clarke", "Müller", "Rossi", "Dubois", "Nguyen", "Smith", "Kowalski", "Silva", "Tanaka",
        "Jensen", "Okafor", "García", "Brown", "Novak", "Larsen"]
TAGS = ["vip", "读书会", "深度工作", "写作营", "alumni", "newsletter", "早鸟", "podcast"]
SOURCES = ["wechat-group", "workshop-2024", "newsletter", "referral", "小红书", "podcast"]
CONNECTIONS = ["读书会 第3期", "深度工作 2期 学员", "公众号留言", "referred by 李娜", "Deep Work 2 alumni",
               "写作营 线下活动", "podcast listener", "小红书 私信", "Tokyo meetup", "朋友介绍"]
WARM_KINDS = ["liked", "commented", "replied", "attended", "purchased", "referred"]
WARM_KIND_WEIGHTS = [40, 25, 15, 10, 6, 4]


def generate_contacts():
    """The 200 demo contacts: a list of dicts with a stable key and CSV fields, plus interactions."""
    rng = random.Random(SEED)
    contacts = []
    for i in range(CONTACTS):
        chinese = i % 5 < 3  # 3 of 5 Chinese names
        row = {"key": "", "name": "", "phone": "", "wechat_id": "", "email": "", "tags": "",
               "source": rng.choice(SOURCES), "connection_point": rng.choice(CONNECTIONS),
               "connection_at": f"{rng.choice([2023, 2024, 2025])}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
               "notes": ""}
        if chinese:
            row["name"] = rng.choice(SURNAMES) + rng.choice(GIVEN)
            row["wechat_id"] = f"wx_demo_{i:03d}"
            row["key"] = ("wechat", row["wechat_id"])
            if rng.random() < 0.6:
                row["phone"] = f"13{rng.randint(0, 9)}{i:04d}{rng.randint(0, 9999):04d}"
        else:
            first, last = rng.choice(FIRST), rng.choice(LAST)
            row["name"] = f"{first} {last}"
            row["email"] = f"{first.lower()}.{i:03d}@example.com"
            row["key"] = ("email", row["email"])
        row["tags"] = ";".join(sorted(set(rng.sample(TAGS, rng.randint(0, 2)))))
        if rng.random() < 0.1:
            row["notes"] = rng.choice(["喜欢线下活动", "asked about weekend batches", "老学员, 很积极"])
        interactions = []
        if rng.random() < 0.85:  # the rest are new contacts without any sign yet
            for _ in range(rng.randint(1, 4)):
                interactions.append((rng.choices(WARM_KINDS, WARM_KIND_WEIGHTS)[0], rng.randint(1, 120)))
            roll = rng.random()
            if roll < 0.2:  # contacted long enough ago to be planned again
                interactions.append(("contacted", rng.randint(20, 90)))
            elif roll < 0.25:  # contacted recently: inside the 14-day cooldown
                interactions.append(("contacted", rng.randint(1, 10)))
        row["interactions"] = interactions
        contacts.append(row)
    return contacts


def write_csv(contacts, path):
    columns = ["name", "phone", "wechat_id", "email", "tags", "source", "connection_point",
               "connection_at", "notes"]
    with open(path, "w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(columns)
        for row in contacts:
            writer.writerow([row[c] for c in columns])


class Ctl:
    """Runs dunbarctl; json_call parses the -o json answer, raising with its error text."""

    def __init__(self, binary):
        self.binary = binary
        self.calls = 0

    def run(self, *args, allow_codes=(0,)):
        self.calls += 1
        done = subprocess.run([self.binary, *args], capture_output=True, text=True, check=False)
        if done.returncode not in allow_codes:
            raise RuntimeError(f"dunbarctl {' '.join(args)}: exit {done.returncode}: "
                               f"{(done.stderr or done.stdout).strip()}")
        return done

    def json_call(self, *args):
        return json.loads(self.run("-o", "json", *args).stdout or "{}")


def member_key(member):
    if member.get("wechatId"):
        return ("wechat", member["wechatId"])
    return ("email", member.get("email", ""))


def iso_days_ago(days, hour):
    moment = datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(days=days)
    return moment.replace(hour=hour, minute=0, second=0, microsecond=0).strftime("%Y-%m-%dT%H:%M:%SZ")


def seed_interactions(ctl, contacts, members_by_key):
    """Interactions for contacts that have none yet (so a re-run records nothing)."""
    calls = []
    for row in contacts:
        member = members_by_key.get(row["key"])
        if member is None or member.get("lastInteractionAt") or member.get("lastContactedAt"):
            continue
        for n, (kind, days_ago) in enumerate(row["interactions"]):
            request_id = f"seed-ia-{row['key'][1]}-{n}"
            calls.append(("interactions", "record", member["id"], "--kind", kind,
                          "--at", iso_days_ago(days_ago, 9 + n), "--request-id", request_id,
                          "--note", "demo seed"))
    # ALREADY_EXISTS (exit 3) can only mean the same request id was used with another "at" by an
    # earlier run that was interrupted: that interaction exists, which is what we want.
    with concurrent.futures.ThreadPoolExecutor(max_workers=4) as pool:
        for done in pool.map(lambda args: ctl.run(*args, allow_codes=(0, 3)), calls):
            if done.returncode == 3 and "ALREADY_EXISTS" not in done.stderr:
                raise RuntimeError(done.stderr.strip())
    return len(calls)


def find_or_create_program(ctl):
    for program in ctl.json_call("programs", "list", "--all-pages").get("programs", []):
        if program["name"] == PROGRAM_NAME:
            return program, False
    program = ctl.json_call("programs", "create", "--name", PROGRAM_NAME, "--capacity", "50",
                            "--rollover", "auto", "--name-template", "{programme} 第{n}期",
                            "--price", "699.00", "--currency", "CNY",
                            "--description", "小班私房课: 每期 50 人, 满员自动开下一期",
                            "--request-id", "demo-seed-program-sifangke")
    return program, True


def seed_enrolments(ctl, program_id, contacts, members_by_key):
    stats = ctl.json_call("stats", program_id, "--days", "7")
    taken = int(stats.get("totalEnrolled", 0)) + int(stats.get("waitlistLength", 0))
    if taken >= SEEDED_SEATS:
        return 0, taken
    # Every 4th contact, in generation order, up to the seeded count (deterministic).
    chosen = [members_by_key[row["key"]]["id"] for row in contacts[::4] if row["key"] in members_by_key]
    chosen = chosen[:SEEDED_SEATS]
    with concurrent.futures.ThreadPoolExecutor(max_workers=4) as pool:
        list(pool.map(lambda member_id: ctl.run("enroll", program_id, member_id, "--source", "demo-seed",
                                                "--request-id", f"seed-enroll-{member_id}"), chosen))
    stats = ctl.json_call("stats", program_id, "--days", "7")
    return len(chosen), int(stats.get("totalEnrolled", 0))


def ensure_campaign(ctl, program_id):
    listed = ctl.json_call("outreach", "campaigns", "list", "--all").get("campaigns", [])
    if any(c["name"] == CAMPAIGN_NAME for c in listed):
        return False
    ctl.run("outreach", "campaigns", "create", "--name", CAMPAIGN_NAME, "--program", program_id,
            "--cohort", f"{program_id}.1", "--tags", "vip;读书会", "--pace", "2",
            "--request-id", "demo-seed-campaign-last-seats")
    return True


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dunbarctl", required=True)
    parser.add_argument("--run-dir", required=True)
    args = parser.parse_args()
    ctl = Ctl(args.dunbarctl)
    started = datetime.datetime.now()

    contacts = generate_contacts()
    csv_path = os.path.join(args.run_dir, "demo-contacts.csv")
    write_csv(contacts, csv_path)
    imported = ctl.json_call("import", "contacts", csv_path, "--no-progress",
                             "--request-id", "demo-seed-import")
    print(f"contacts: {CONTACTS} rows imported from {csv_path}: {imported.get('created', 0)} created, "
          f"{imported.get('merged', 0)} merged, {imported.get('rejected', 0)} rejected")
    if int(imported.get("rejected", 0)):
        raise RuntimeError(f"the demo CSV has rejected rows: {imported.get('errors')}")

    members = ctl.json_call("members", "list", "--all", "--page-size", "500").get("members", [])
    members_by_key = {member_key(m): m for m in members}
    missing = [row["key"] for row in contacts if row["key"] not in members_by_key]
    if missing:
        raise RuntimeError(f"imported contacts not found by handle: {missing[:5]}")
    recorded = seed_interactions(ctl, contacts, members_by_key)
    print(f"interactions: {recorded} recorded" + ("" if recorded else " (every contact had its already)"))

    program, created = find_or_create_program(ctl)
    program_id = program["id"]
    with open(os.path.join(args.run_dir, "demo-program.id"), "w", encoding="utf-8") as out:
        out.write(program_id + "\n")
    print(f"programme: {PROGRAM_NAME} ({program_id}), {'created' if created else 'already there'}")
    enrolled_now, seats = seed_enrolments(ctl, program_id, contacts, members_by_key)
    print(f"enrolments: {enrolled_now} seeded now, {seats} seats taken in all")

    ctl.run("outreach", "policy", "set", "--quota", "5", "--weekdays", "all", "--cooldown-days", "14",
            "--timezone", "Asia/Shanghai", "--target-program", program_id, "--auto-campaign")
    print("outreach policy: 5 people a day, every day, Asia/Shanghai, target " + PROGRAM_NAME)
    print(f"campaign: {CAMPAIGN_NAME} " + ("created" if ensure_campaign(ctl, program_id) else "already there"))
    elapsed = (datetime.datetime.now() - started).total_seconds()
    print(f"seeded in {elapsed:.1f} s with {ctl.calls} dunbarctl calls")


if __name__ == "__main__":
    try:
        main()
    except (RuntimeError, OSError, json.JSONDecodeError) as error:
        print(f"seed: {error}", file=sys.stderr)
        sys.exit(1)
