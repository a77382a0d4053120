from prompt_studio.cli import main

raise SystemExit(main())
