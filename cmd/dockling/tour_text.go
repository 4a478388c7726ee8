package main

import "github.com/dockling/dockling/lessons"

// tourText is everything the tour says in its own words, in one language.
// Lesson titles and summaries come from the lessons themselves; commands
// stay as they are typed.
type tourText struct {
	resuming   string // "%d": the step the tour resumes at
	header     string // "%d", "%s": step number and name
	onHost     string
	insideStep string // "%d"
	lookHost   string // "%s", "%d", "%d": hostname, PID, processes seen
	lookShell  string // the same line, as a shell command run in the step
	noRelease  string
	oomAnnounce,
	oomAfter,
	notStopped string
	exitAsSaid string // "%d", "%s": exit code, oomAfter
	gone       string // step 4: the second run no longer has the file
	thenCurl   string
	tryThis    string
	wholeLess  string // "%s": the lesson's name
	pressEnter string
	done       string
}

var tourTexts = map[string]tourText{
	"en": {
		resuming:   "Resuming at step %d (use --from 0 to start over)\n",
		header:     "\n==== Step %d: %s ====\n\n",
		onHost:     "\n-- On the host:\n",
		insideStep: "\n-- Inside step %d:\n",
		lookHost:   "hostname: %s   my PID: %d   processes I can see: %d\n",
		lookShell:  `echo "hostname: $(hostname)   my PID: $$   processes I can see: $(ls -d /proc/[0-9]* 2>/dev/null | wc -l)"`,
		noRelease:  "(no /etc/os-release)",
		oomAnnounce: "Expected failure: this program asks for 100 MiB inside a 32 MiB memory cgroup; " +
			"the kernel's OOM killer should stop it.",
		oomAfter: "That non-zero exit was the point: the cgroup's memory limit held, and the kernel " +
			"killed the process instead of letting it take the host's memory.",
		notStopped: "(It was not stopped this time: the limit may not be enforced on this kernel.)",
		exitAsSaid: "(exit %d, as announced) %s\n",
		gone:       "/root/tour-file is gone: the last run's writable layer was deleted",
		thenCurl:   "# then: curl 127.0.0.1:8080",
		tryThis:    "\nTry this:\n",
		wholeLess:  "\nThe whole lesson: dockling lesson %s\n",
		pressEnter: "\nPress Enter to go on ",
		done:       "\nThat was every step. Next: dockling lesson, or dockling run -it --rm hostbox sh\n",
	},
	"zh": {
		resuming:    "从第 %d 步接着走（想从头开始，用 --from 0）\n",
		header:      "\n==== 第 %d 步：%s ====\n\n",
		onHost:      "\n-- 在宿主机上：\n",
		insideStep:  "\n-- 在第 %d 步里：\n",
		lookHost:    "主机名：%s   我的 PID：%d   我能看到的进程数：%d\n",
		lookShell:   `echo "主机名：$(hostname)   我的 PID：$$   我能看到的进程数：$(ls -d /proc/[0-9]* 2>/dev/null | wc -l)"`,
		noRelease:   "（没有 /etc/os-release）",
		oomAnnounce: "下面会失败，这是故意的：这个程序要在 32 MiB 的内存 cgroup 里申请 100 MiB，内核的 OOM killer 应该会把它杀掉。",
		oomAfter:    "这个非零的退出码正是要看的结果：cgroup 的内存上限守住了，内核宁可杀掉这个进程，也不让它吃掉宿主机的内存。",
		notStopped:  "（这次它没被杀掉：这台机器的内核可能没有执行这个限制。）",
		exitAsSaid:  "（退出码 %d，和预告的一样）%s\n",
		gone:        "/root/tour-file 不见了：上一次运行的可写层已经删掉了",
		thenCurl:    "# 然后：curl 127.0.0.1:8080",
		tryThis:     "\n自己试试：\n",
		wholeLess:   "\n完整的一课：dockling lesson %s\n",
		pressEnter:  "\n按回车继续 ",
		done:        "\n所有步骤都走完了。接下来：dockling lesson，或者 dockling run -it --rm hostbox sh\n",
	},
}

// tourTextFor returns the tour's words in lang, English for a language
// the tour has not been written in.
func tourTextFor(lang string) tourText {
	if t, ok := tourTexts[lang]; ok {
		return t
	}
	return tourTexts[lessons.Languages[0]]
}

// tourDemo is the live part of one step: what to run inside it, and how
// to read the result.
type tourDemo struct {
	runs []tourRun
	try  []string // command lines a learner can type next
}

type tourRun struct {
	args     []string // after "dockling step N"
	announce string   // printed before running, e.g. a deliberate failure
	failOK   bool     // a non-zero exit is the point of the demo
	after    string   // printed after a run that failed as expected
}

// tourDemos is what step n runs. Steps 0-2 run the same look as the host
// line above them, so the difference is the layer's.
func tourDemos(n int, t tourText) tourDemo {
	sh := func(s string) []string { return []string{"-q", "--", "sh", "-c", s} }
	look := t.lookShell + `; head -1 /etc/os-release 2>/dev/null || echo "` + t.noRelease + `"`
	switch n {
	case 0:
		return tourDemo{runs: []tourRun{{args: sh(look)}},
			try: []string{"dockling step 0 -- ps -e | head", "dockling step 0 --explain -- true"}}
	case 1:
		return tourDemo{runs: []tourRun{{args: sh(look)}},
			try: []string{"sudo dockling step 1 --escape", "sudo dockling step 1 -- ls /"}}
	case 2:
		return tourDemo{runs: []tourRun{{args: sh(look)}},
			try: []string{"sudo dockling step 2 --explain -- hostname", "sudo dockling step 2 --escape"}}
	case 3:
		return tourDemo{runs: []tourRun{{
			args:     []string{"-q", "-m", "32m", "--", "probe", "hog", "100m"},
			announce: t.oomAnnounce,
			failOK:   true,
			after:    t.oomAfter,
		}}, try: []string{"sudo dockling step 3 --pids-limit 20 -- probe fork 100", "sudo dockling step 3 --cpus 0.5 -- probe spin 3s"}}
	case 4:
		return tourDemo{runs: []tourRun{
			{args: sh(`echo hello > /root/tour-file; ls -l /root/tour-file`)},
			{args: sh(`ls /root/tour-file 2>/dev/null || echo "` + t.gone + `"`)},
		}, try: []string{"sudo dockling step 4 -- sh -c 'rm /etc/os-release; ls /etc'"}}
	case 5:
		return tourDemo{runs: []tourRun{{args: sh(`ip -br addr 2>/dev/null || cat /proc/net/dev`)}},
			try: []string{"sudo dockling step 5 -p 8080:80 -- probe serve :80   " + t.thenCurl}}
	case 6:
		return tourDemo{runs: []tourRun{{args: []string{"-q", "-v", "tour-notes:/notes", "--", "sh", "-c", "date >> /notes/log; cat /notes/log"}}},
			try: []string{"sudo dockling step 6 -v tour-notes:/notes -- cat /notes/log", "sudo dockling volume rm tour-notes"}}
	}
	return tourDemo{}
}
