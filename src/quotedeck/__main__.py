from quotedeck.cli import main

main()
