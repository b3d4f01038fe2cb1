from codepatch.cli import main

main()
