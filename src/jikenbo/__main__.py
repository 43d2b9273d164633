from jikenbo.cli import main

main()
